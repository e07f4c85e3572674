import type { JsonSchema } from "./schema.js"

/**
 * Reading parameter values against the schemas made by schema.ts: filling defaults (also
 * inside tagged-union branches such as eq.parametric's bands), and finding each leaf's
 * range and type (to clamp draws, round integers, and normalise labels). Plain data in,
 * plain data out.
 *
 * Defaults are written once, in the schema. A pipeline's params arrive with them already
 * filled (the config validator runs ajv with `useDefaults`, which fills them inside
 * `oneOf` branches too); `withDefaults` is the one implementation for callers that do not
 * come through the config (library calls, `audioml fx`, model files read back).
 */

type Schema = Record<string, unknown>
const asSchema = (v: unknown): Schema => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Schema) : {})

/** Is `v` a table (a plain object: not null, not an array)? TOML tables and JSON objects alike. */
export const isTable = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v)
const isPlainObject = isTable

/** What a leaf (a number, integer, enum, string or boolean parameter) accepts. */
export interface LeafInfo {
  readonly kind: "number" | "integer" | "enum" | "string" | "boolean"
  readonly minimum?: number
  readonly maximum?: number
  readonly unit?: string
  readonly values?: ReadonlyArray<unknown>
}

/** The branch of a `uses`-tagged union that a value picks, if the schema is one. */
const pickBranch = (schema: Schema, value: unknown): Schema | undefined => {
  if (!Array.isArray(schema["oneOf"]) || schema["discriminator"] === undefined || !isPlainObject(value)) return undefined
  const tag = String(asSchema(schema["discriminator"])["propertyName"] ?? "uses")
  return (schema["oneOf"] as unknown[])
    .map(asSchema)
    .find((b) => asSchema(asSchema(b["properties"])[tag])["const"] === value[tag])
}

/** The value branch of a number-or-distribution anyOf, or the schema itself. */
const valueBranch = (schema: Schema): Schema => {
  if (Array.isArray(schema["anyOf"])) {
    const first = asSchema((schema["anyOf"] as unknown[])[0])
    if (first["type"] !== "object") return first
  }
  return schema
}

const finite = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined)

/** The schema of each property of `value` under `schema` (a tagged union's matching branch). */
export const propertySchemas = (schema: JsonSchema | undefined, value: unknown): Readonly<Record<string, JsonSchema>> => {
  const s = asSchema(schema)
  const branch = pickBranch(s, value) ?? s
  return asSchema(branch["properties"]) as Record<string, JsonSchema>
}

/** The schema of the items of an array schema, if it says. */
export const itemSchema = (schema: JsonSchema | undefined): JsonSchema | undefined => {
  const items = asSchema(schema)["items"]
  return items === undefined ? undefined : asSchema(items)
}

/** The leaf's kind, range (bounds inclusive or exclusive alike), unit and enum values; undefined for tables and lists. */
export const leafInfo = (schema: JsonSchema): LeafInfo | undefined => {
  const s = schema as Schema
  const v = valueBranch(s)
  const range = { ...asSchema(v), ...asSchema(s["x-range"]) }
  const unit = typeof s["x-unit"] === "string" ? { unit: s["x-unit"] as string } : {}
  const minimum = finite(range["minimum"]) ?? finite(range["exclusiveMinimum"])
  const maximum = finite(range["maximum"]) ?? finite(range["exclusiveMaximum"])
  const bounds = { ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) }
  if (Array.isArray(v["enum"])) return { kind: "enum", values: v["enum"] as unknown[], ...unit }
  if (v["type"] === "number") return { kind: "number", ...bounds, ...unit }
  if (v["type"] === "integer") return { kind: "integer", ...bounds, ...unit }
  if (v["type"] === "string") return { kind: "string", ...unit }
  if (v["type"] === "boolean") return { kind: "boolean" }
  return undefined
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T))

/** A copy of `value` with every missing key that has a schema default filled in, at any depth. */
export const withDefaults = (schema: JsonSchema, value: unknown): unknown => {
  const s = schema as Schema
  if (Array.isArray(value)) {
    const items = asSchema(s["items"])
    return value.map((item) => withDefaults(items, item))
  }
  if (!isPlainObject(value)) return value
  const branch = pickBranch(s, value) ?? s
  const props = asSchema(branch["properties"])
  if (Object.keys(props).length === 0) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) out[key] = key in props ? withDefaults(asSchema(props[key]), v) : v
  for (const [key, p] of Object.entries(props)) {
    const d = asSchema(p)["default"]
    if (!(key in out) && d !== undefined) out[key] = withDefaults(asSchema(p), clone(d))
  }
  return out
}

/**
 * Visit every leaf of `value` with its TOML-style path (`chain[0].drive_db`) and schema
 * (leaves whose schema is unknown are visited with `undefined`). Keys are visited in
 * sorted order, the same order drawParams (draw.ts) draws in.
 */
export const visitLeaves = (
  schema: JsonSchema | undefined,
  value: unknown,
  visit: (path: string, leafSchema: JsonSchema | undefined, value: unknown) => void,
  path = ""
): void => {
  const s = asSchema(schema)
  const leaf = schema !== undefined ? leafInfo(schema) : undefined
  if (leaf !== undefined && !Array.isArray(value)) {
    visit(path, schema, value)
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => visitLeaves(s["items"] as JsonSchema | undefined, item, visit, `${path}[${i}]`))
    return
  }
  if (isPlainObject(value)) {
    const branch = pickBranch(s, value) ?? s
    const props = asSchema(branch["properties"])
    for (const key of Object.keys(value).sort()) {
      visitLeaves(props[key] as JsonSchema | undefined, value[key], visit, path === "" ? key : `${path}.${key}`)
    }
    return
  }
  visit(path, schema, value)
}

/**
 * The schema of the leaf at a TOML-style `path` under `schema` (`drive_db`,
 * `bands[1].gain_db`); undefined when the path leaves the schema or crosses a tagged
 * union (whose branch only a value can pick).
 */
export const schemaAt = (schema: JsonSchema, path: string): JsonSchema | undefined => {
  let s: Schema | undefined = schema as Schema
  for (const m of path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) {
    if (s === undefined) return undefined
    if (m[1] !== undefined) s = s["items"] === undefined ? undefined : asSchema(s["items"])
    else {
      const props = asSchema(s["properties"])
      s = m[2]! in props ? asSchema(props[m[2]!]) : undefined
    }
  }
  return s
}

import { isDistribution, sampleDeep, type Bounds } from "../../params/distribution.js"
import type { Rng } from "../../params/rng.js"
import type { JsonSchema } from "../../params/schema.js"

type Props = Readonly<Record<string, JsonSchema>>

const propsOf = (schema: JsonSchema): Props => (schema["properties"] as Props | undefined) ?? {}

/** Is this parameter schema (plain or with its distribution anyOf) an integer? */
const isIntegerSchema = (s: JsonSchema | undefined): boolean => {
  if (s === undefined) return false
  if (s["type"] === "integer") return true
  const any = s["anyOf"] as ReadonlyArray<JsonSchema> | undefined
  return any !== undefined && any[0]?.["type"] === "integer"
}

const boundsOf = (s: JsonSchema | undefined): Bounds | undefined => {
  if (s === undefined) return undefined
  const range = (s["x-range"] as Record<string, number> | undefined) ?? s
  const minimum = range["minimum"] ?? range["exclusiveMinimum"]
  const maximum = range["maximum"] ?? range["exclusiveMaximum"]
  return { minimum: typeof minimum === "number" ? minimum : undefined, maximum: typeof maximum === "number" ? maximum : undefined }
}

/**
 * Fill the defaults of a closed object schema's properties into `params` (a copy). Items of
 * tagged lists are not always defaulted by the config validator (ajv does not apply
 * defaults inside oneOf), so stages apply them again; doing it twice changes nothing.
 */
export const withDefaults = (schema: JsonSchema, params: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, s] of Object.entries(propsOf(schema))) if (s["default"] !== undefined) out[key] = structuredClone(s["default"])
  for (const [key, v] of Object.entries(params)) if (v !== undefined) out[key] = v
  return out
}

/**
 * Draw every distribution in `params` with sampleDeep, clamped to the ranges of the
 * schema. Integer parameters drawn with `uniform = [a, b]` take each integer in [a, b]
 * with equal probability (rounding a real uniform would halve the end points); other
 * draws of integer parameters are rounded. Keys in `skip` are passed through undrawn
 * (nested generator lists, drawn by their own generator).
 */
export const drawParams = (
  schema: JsonSchema,
  params: Readonly<Record<string, unknown>>,
  rng: Rng,
  skip: ReadonlyArray<string> = []
): { readonly value: Record<string, unknown>; readonly drawn: Record<string, unknown> } => {
  const props = propsOf(schema)
  const prepared: Record<string, unknown> = {}
  const skipped: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(params)) {
    if (skip.includes(key)) {
      skipped[key] = v
      continue
    }
    if (isIntegerSchema(props[key]) && isDistribution(v) && "uniform" in v) {
      const [a, b] = v.uniform
      const lo = Math.ceil(Math.min(a, b))
      const hi = Math.floor(Math.max(a, b))
      prepared[key] = hi - lo <= 100_000 && hi >= lo ? { choice: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) } : v
    } else prepared[key] = v
  }
  const { value, drawn } = sampleDeep(prepared, rng, (path) => boundsOf(props[path.split(/[.[]/)[0]!]))
  const out = value as Record<string, unknown>
  for (const key of Object.keys(out)) {
    if (isIntegerSchema(props[key]) && typeof out[key] === "number") {
      out[key] = Math.round(out[key] as number)
      if (key in drawn) drawn[key] = out[key]
    }
  }
  return { value: { ...out, ...skipped }, drawn }
}

/**
 * Label prefixes for a list of generators: `<uses>` when a kind appears once, `<uses>[k]`
 * (k = its occurrence among that kind) when it repeats.
 */
export const labelPrefixes = (uses: ReadonlyArray<string>): string[] => {
  const seen = new Map<string, number>()
  return uses.map((u) => {
    const repeated = uses.filter((x) => x === u).length > 1
    const k = seen.get(u) ?? 0
    seen.set(u, k + 1)
    return repeated ? `${u}[${k}]` : u
  })
}

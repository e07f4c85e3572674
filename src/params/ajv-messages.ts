import type { ErrorObject } from "ajv"
import type { ParamIssue } from "./param-issue.js"
import { didYouMean } from "./did-you-mean.js"
import { formatPath, getAt, pointerSegments, type PathSegment } from "./toml-path.js"

/**
 * Turns ajv's raw errors (validated with `allErrors` and `verbose`) into one clean
 * message per problem, each at its TOML path. For anyOf/oneOf (a number or a
 * distribution, an enum or { choice }) only the branch that fits the value's shape is
 * reported — a number out of range gives the range error, not a wall of anyOf noise.
 */
export interface TranslateOptions {
  /** Path of the validated data inside the config (["stages", "wet"]). */
  readonly prefix: ReadonlyArray<PathSegment>
  /** Keys valid at the data's root besides the schema's own (`uses`, `from`), for hints. */
  readonly extraRootKeys?: ReadonlyArray<string>
}

type Schema = Record<string, unknown>
const asSchema = (v: unknown): Schema => (v !== null && typeof v === "object" ? (v as Schema) : {})

/** A value as it appears in a message, kept short. */
export const showValue = (v: unknown): string => {
  if (v === undefined) return "nothing"
  const text = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v)
  return text.length > 48 ? `${text.slice(0, 45)}...` : text
}

const typeNames: Record<string, string> = {
  number: "a number",
  integer: "an integer",
  string: "a string",
  boolean: "a boolean (true or false)",
  object: "a table",
  array: "an array",
  null: "null"
}

const kindOf = (v: unknown): string => {
  if (Array.isArray(v)) return "an array"
  if (v === null) return "null"
  if (typeof v === "object") return "a table"
  if (typeof v === "number") return Number.isInteger(v) ? "an integer" : "a number"
  return typeNames[typeof v] ?? typeof v
}

const isDistributionSchema = (s: Schema): boolean => {
  const props = asSchema(s["properties"])
  return "uniform" in props || ("choice" in props && s["type"] === "object")
}

/** What one branch of an anyOf/oneOf accepts, in words. */
const describeBranch = (s: Schema): string => {
  if (Array.isArray(s["enum"])) return `one of ${(s["enum"] as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`
  if ("const" in s) return JSON.stringify(s["const"])
  if (isDistributionSchema(s)) {
    const props = asSchema(s["properties"])
    if (!("uniform" in props)) return "{ choice = [...] }"
    return "a distribution ({ uniform = [a, b] }, { log_uniform = [a, b] }, { normal = [mu, sigma] } or { choice = [...] })"
  }
  const t = s["type"]
  if (typeof t === "string") {
    const range: string[] = []
    if (typeof s["minimum"] === "number") range.push(`>= ${s["minimum"]}`)
    if (typeof s["exclusiveMinimum"] === "number") range.push(`> ${s["exclusiveMinimum"]}`)
    if (typeof s["maximum"] === "number") range.push(`<= ${s["maximum"]}`)
    if (typeof s["exclusiveMaximum"] === "number") range.push(`< ${s["exclusiveMaximum"]}`)
    return `${typeNames[t] ?? t}${range.length > 0 ? ` (${range.join(", ")})` : ""}`
  }
  return "a value of another shape"
}

const rootMismatch = new Set(["type", "enum", "const"])

interface Located {
  readonly segments: PathSegment[]
  readonly message: string
}

export const translateAjvErrors = (
  errors: ReadonlyArray<ErrorObject>,
  data: unknown,
  options: TranslateOptions
): ParamIssue[] => {
  const removed = new Set<ErrorObject>()
  const out: Located[] = []
  const at = (pointer: string) => pointerSegments(pointer, data)

  // Composite keywords, outermost first: keep the best-fitting branch of each.
  const composites = errors
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length)
  const synthesized = new Map<ErrorObject, Located>()
  for (const c of composites) {
    if (removed.has(c)) continue
    removed.add(c)
    const prefix = `${c.schemaPath}/`
    const branches = new Map<number, ErrorObject[]>()
    for (const e of errors) {
      if (removed.has(e) || !e.schemaPath.startsWith(prefix)) continue
      const i = Number(e.schemaPath.slice(prefix.length).split("/")[0])
      if (!branches.has(i)) branches.set(i, [])
      branches.get(i)!.push(e)
    }
    const viable = [...branches.entries()]
      .filter(
        ([i, es]) =>
          !es.some((e) => e.instancePath === c.instancePath && rootMismatch.has(e.keyword) && e.schemaPath === `${prefix}${i}/${e.keyword}`)
      )
      .sort((a, b) => a[1].length - b[1].length)
    const keep = viable[0]?.[0]
    for (const [i, es] of branches) if (i !== keep) for (const e of es) removed.add(e)
    if (keep === undefined) {
      const value = getAt(data, at(c.instancePath))
      const alternatives = Array.isArray(c.schema) ? (c.schema as unknown[]).map((s) => describeBranch(asSchema(s))) : []
      const message =
        branches.size === 0 && c.keyword === "oneOf"
          ? "matches more than one alternative"
          : `must be ${alternatives.length > 0 ? alternatives.join(" or ") : "of another shape"} (got ${showValue(value)})`
      synthesized.set(c, { segments: at(c.instancePath), message })
    }
  }

  for (const e of errors) {
    const s = synthesized.get(e)
    if (s) {
      out.push(s)
      continue
    }
    if (removed.has(e)) continue
    const segments = at(e.instancePath)
    const value = getAt(data, segments)
    const parent = asSchema(e.parentSchema)
    const p = e.params as Record<string, unknown>
    switch (e.keyword) {
      case "additionalProperties": {
        const key = String(p["additionalProperty"])
        const known = Object.keys(asSchema(parent["properties"]))
        if (segments.length === 0) known.push(...(options.extraRootKeys ?? []))
        const hint = didYouMean(key, known)
        const list = hint === "" && known.length > 0 && known.length <= 16 ? ` (known keys: ${known.join(", ")})` : ""
        out.push({ segments: [...segments, key], message: `unknown key "${key}"${hint}${list}` })
        break
      }
      case "required":
        out.push({ segments, message: `missing required key "${String(p["missingProperty"])}"` })
        break
      case "type": {
        const want = String(p["type"])
          .split(",")
          .map((t) => typeNames[t] ?? t)
          .join(" or ")
        out.push({ segments, message: `must be ${want} (got ${kindOf(value)} ${showValue(value)})` })
        break
      }
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        out.push({ segments, message: `must be ${String(p["comparison"])} ${String(p["limit"])} (got ${showValue(value)})` })
        break
      case "enum": {
        const allowed = (p["allowedValues"] as unknown[]) ?? []
        const hint = typeof value === "string" ? didYouMean(value, allowed.map(String)) : ""
        out.push({
          segments,
          message: `must be one of ${allowed.map((x) => JSON.stringify(x)).join(", ")} (got ${showValue(value)})${hint}`
        })
        break
      }
      case "const":
        out.push({ segments, message: `must be ${JSON.stringify(p["allowedValue"])} (got ${showValue(value)})` })
        break
      case "minItems":
      case "maxItems": {
        const n = Array.isArray(value) ? value.length : 0
        const exact = parent["minItems"] !== undefined && parent["minItems"] === parent["maxItems"]
        const limit = Number(p["limit"])
        const what = exact ? `exactly ${limit}` : e.keyword === "minItems" ? `at least ${limit}` : `at most ${limit}`
        out.push({ segments, message: `must have ${what} item${limit === 1 ? "" : "s"} (got ${n})` })
        break
      }
      case "minProperties":
      case "maxProperties":
        out.push({
          segments,
          message: isDistributionSchema(parent)
            ? `a distribution has exactly one key: uniform, log_uniform, normal or choice (got ${showValue(value)})`
            : `must have ${e.keyword === "minProperties" ? "at least" : "at most"} ${String(p["limit"])} key(s)`
        })
        break
      case "minLength":
        out.push({ segments, message: Number(p["limit"]) === 1 ? "must not be empty" : `must be at least ${String(p["limit"])} characters long` })
        break
      case "pattern":
        out.push({ segments, message: `must match the pattern ${String(p["pattern"])} (got ${showValue(value)})` })
        break
      case "discriminator": {
        const tag = String(p["tag"])
        if (p["error"] === "mapping") {
          const known = (Array.isArray(parent["oneOf"]) ? (parent["oneOf"] as unknown[]) : [])
            .map((b) => asSchema(asSchema(asSchema(b)["properties"])[tag])["const"])
            .filter((x): x is string => typeof x === "string")
          const tagValue = String(p["tagValue"])
          out.push({
            segments: [...segments, tag],
            message: `unknown value "${tagValue}"${didYouMean(tagValue, known)} (known: ${known.join(", ")})`
          })
        } else if (p["tagValue"] !== undefined) {
          out.push({ segments: [...segments, tag], message: `must be a string (got ${showValue(p["tagValue"])})` })
        } // a missing tag is already reported by `required`
        break
      }
      default:
        out.push({ segments, message: e.message ?? `fails ${e.keyword}` })
    }
  }

  const seen = new Set<string>()
  const issues: ParamIssue[] = []
  for (const l of out) {
    const path = formatPath([...options.prefix, ...l.segments])
    const key = `${path}\u0000${l.message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push({ path, message: l.message })
  }
  return issues
}

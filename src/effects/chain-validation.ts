import { ParameterError } from "../errors/audioml-error.js"
import { translateAjvErrors } from "../params/ajv-messages.js"
import type { Catalog } from "../params/catalog.js"
import { formatParamIssue, type ParamIssue } from "../params/param-issue.js"
import { taggedUnion, type JsonSchema } from "../params/schema.js"
import { validatorFor } from "../params/validator.js"
import { isTable, leafInfo, visitLeaves, type LeafInfo } from "../params/values.js"
import { chainItemSchema } from "./chain-item-schema.js"
import type { EffectDefinition } from "./effect-definition.js"
import { effectCatalog } from "./registry.js"

/** "allowed: 0 to 60 dB", "allowed: \"soft\", \"hard\"", or "" when the schema sets no range. */
const describeRange = (info: LeafInfo): string => {
  if (info.kind === "enum") return `allowed: ${(info.values ?? []).map((v) => JSON.stringify(v)).join(", ")}`
  if (info.minimum === undefined && info.maximum === undefined) return ""
  const unit = info.unit !== undefined ? ` ${info.unit}` : ""
  if (info.minimum !== undefined && info.maximum !== undefined) return `allowed: ${info.minimum} to ${info.maximum}${unit}`
  return info.minimum !== undefined ? `allowed: >= ${info.minimum}${unit}` : `allowed: <= ${info.maximum}${unit}`
}

/**
 * One item's schema ({ uses = "<this effect>", ...params, mix }), built once per effect.
 * Items are validated one by one against their own effect's schema: compiling the schema
 * of every effect at once would cost a noticeable start-up for a one-file command.
 */
const itemSchemas = new WeakMap<EffectDefinition, JsonSchema>()
const itemSchemaOf = (def: EffectDefinition): JsonSchema => {
  let schema = itemSchemas.get(def)
  if (schema === undefined) {
    schema = taggedUnion([{ uses: def.uses, schema: chainItemSchema(def) }])
    itemSchemas.set(def, schema)
  }
  return schema
}

/**
 * What is wrong with item `index` of an effect chain, each problem at its path
 * (`chain[1].drive_db: must be <= 60 (got 100); allowed: 0 to 60 dB`): the messages of
 * `audioml run`, `audioml fx` and the library alike. The item is not modified.
 */
export const chainItemIssues = (item: unknown, index: number, effects: Catalog<EffectDefinition> = effectCatalog): ParamIssue[] => {
  const at = `chain[${index}]`
  if (!isTable(item)) return [{ path: at, message: 'must be a table { uses = "<effect>", ... }' }]
  const uses = item["uses"]
  if (uses === undefined) return [{ path: at, message: 'missing required key "uses"' }]
  const def = typeof uses === "string" ? effects.get(uses) : undefined
  if (def === undefined) return [{ path: `${at}.uses`, message: effects.unknownMessage(String(uses)) }]
  const schema = itemSchemaOf(def)
  const validate = validatorFor(schema)
  const copy = structuredClone(item) // the validator fills defaults into what it checks
  if (validate(copy)) return []
  const ranges = new Map<string, LeafInfo>()
  visitLeaves(schema, copy, (p, leafSchema) => {
    const info = leafSchema !== undefined ? leafInfo(leafSchema) : undefined
    if (info !== undefined) ranges.set(`${at}.${p}`, info)
  })
  return translateAjvErrors(validate.errors ?? [], copy, { prefix: ["chain", index] }).map((issue) => {
    const info = ranges.get(issue.path)
    const range = info !== undefined ? describeRange(info) : ""
    return range === "" || info?.kind === "enum" ? issue : { ...issue, message: `${issue.message}; ${range}` }
  })
}

/** Every problem of a whole chain: it must be a non-empty array of valid items. */
export const chainIssues = (chain: unknown, effects: Catalog<EffectDefinition> = effectCatalog): ParamIssue[] => {
  if (!Array.isArray(chain)) return [{ path: "chain", message: 'must be an array of tables [ { uses = "<effect>", ... }, ... ]' }]
  if (chain.length === 0) return [{ path: "chain", message: "must have at least 1 item (got 0)" }]
  return chain.flatMap((item, i) => chainItemIssues(item, i, effects))
}

/**
 * Throws a ParameterError listing every problem of `chain` (one per line), or returns.
 * The library's entry points call it, so `drive_db = 500` is refused by a library call
 * with the message `audioml fx` and `audioml run` give.
 */
export const assertValidChain = (chain: unknown, effects: Catalog<EffectDefinition> = effectCatalog): void => {
  const issues = chainIssues(chain, effects)
  if (issues.length === 0) return
  const lines = issues.map(formatParamIssue)
  throw new ParameterError({ parameter: issues[0]!.path, message: lines.length === 1 ? lines[0]! : `invalid effect chain:\n  ${lines.join("\n  ")}` })
}

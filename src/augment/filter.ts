import type { ValidateFunction } from "ajv"
import { object, type JsonSchema } from "../params/schema.js"
import { effectCatalog } from "../effects/registry.js"
import { Catalog } from "../params/catalog.js"
import type { EffectDefinition } from "../effects/effect-definition.js"
import { applyChain, chainItemSchema, resolveChain, type ChainItem } from "../effects/chain.js"
import type { LabelValue } from "../params/labels.js"
import { stepProps, type AugmentStep } from "./step.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"
import { createAjv } from "../params/validator.js"

let eqCatalog: Catalog<EffectDefinition> | undefined

/** The effects a filter step accepts: every registered `eq.*` effect, as a catalog of their own. */
export const filterEffects = (): Catalog<EffectDefinition> =>
  (eqCatalog ??= new Catalog(
    effectCatalog.list.filter((e) => e.uses.startsWith("eq.")),
    { ...effectCatalog.options, kind: "EQ effect" }
  ))

const effectSchema = (): JsonSchema => {
  const eqs = filterEffects()
  if (eqs.list.length === 0) return { type: "object", required: ["uses"], properties: { uses: { type: "string", pattern: "^eq\\." } } }
  return { ...eqs.unionSchema(chainItemSchema), description: "The EQ effect, { uses = \"eq.<name>\", <its params> }" }
}

const validators = new Map<string, ValidateFunction>()
// Its own instance: no defaults filled in, the item is drawn later with the effect's own defaults.
let ajv: ReturnType<typeof createAjv> | undefined

/** Check an effect item against that effect's own schema; errors name the parameter. */
const validateEffect = (item: Record<string, unknown>, where: string): void => {
  const uses = item["uses"]
  const def = filterEffects().require(String(uses), `${where}.effect.uses`)
  let validate = validators.get(def.uses)
  if (validate === undefined) {
    const s = chainItemSchema(def)
    ajv ??= createAjv({ allErrors: true, strict: false })
    validate = ajv.compile({ ...s, properties: { ...((s["properties"] as object) ?? {}), uses: { const: def.uses } } })
    validators.set(def.uses, validate)
  }
  if (!validate(item)) {
    const e = validate.errors![0]!
    const at = e.instancePath === "" ? "" : e.instancePath.replace(/^\//, ".").replace(/\//g, ".")
    const extra = e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : ""
    throw new DataError({ message: `${where}.effect${at}: ${e.message ?? "invalid"}${extra}` })
  }
}

export const filterStep: AugmentStep<ChainItem> = {
  uses: "filter",
  description: "Filter with an EQ effect of the effect library (any registered eq.*), its params validated against that effect's schema and drawn per clip",
  params: object({ ...stepProps("input"), effect: effectSchema() }, { required: ["effect"] }),
  prepare: (p, ctx) => {
    const effect = p["effect"] as Record<string, unknown> | undefined
    if (effect === undefined || typeof effect !== "object") throw new ParameterError({ parameter: `${ctx.where}.effect`, message: `${ctx.where}.effect: an { uses = "eq.<name>", ... } table is required` })
    validateEffect(effect, ctx.where)
    return effect as ChainItem
  },
  draw: (_p, _ref, rng, effect) => {
    // The effect's own distributions are drawn here (the step's draw), once for both sides.
    const chain = resolveChain([effect], rng.fork("params"), filterEffects())
    const item = chain.items[0]!
    const labels: Record<string, LabelValue> = { effect: item.def.uses }
    for (const [k, v] of Object.entries(item.params)) if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") labels[k] = v
    if (item.mix !== undefined) labels["mix"] = item.mix
    const fxRng = rng.fork("process")
    return { labels, apply: (s) => applyChain(s, chain, fxRng) }
  }
}

import { number, type JsonSchema } from "../params/schema.js"
import type { EffectDefinition } from "./effect-definition.js"

/** The `mix` every chain item takes (0..1, default 1), applied by the chain. */
export const commonMix: JsonSchema = number({
  description: "wet/dry mix applied by the chain (effects with their own mix use theirs)",
  minimum: 0,
  maximum: 1,
  default: 1
})

/** An effect's params schema with the chain's common `mix` added when it has none. */
export const chainItemSchema = (def: EffectDefinition): JsonSchema => {
  const props = (def.params["properties"] as Record<string, JsonSchema> | undefined) ?? {}
  if ("mix" in props) return def.params
  return { ...def.params, properties: { ...props, mix: commonMix } }
}


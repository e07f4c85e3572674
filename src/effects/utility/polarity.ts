import type { EffectDefinition } from "../effect-definition.js"
import { boolean, object } from "../../params/schema.js"

export interface PolarityParams {
  readonly invert: boolean
}

/** Negates every sample (exact in floating point). */
export const invertPolarity = (input: Float32Array): Float32Array => {
  const out = new Float32Array(input.length)
  for (let i = 0; i < input.length; i++) out[i] = -input[i]!
  return out
}

export const polarityEffect: EffectDefinition<PolarityParams> = {
  uses: "polarity",
  description: "Polarity inversion: multiplies the signal by -1 (invert = false passes it through unchanged).",
  params: object({
    invert: boolean({ description: "Invert the polarity", default: true })
  }),
  process: (input, _sampleRate, params) => (params.invert ? invertPolarity(input) : Float32Array.from(input))
}

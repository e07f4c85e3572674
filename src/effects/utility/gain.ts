import type { EffectDefinition } from "../effect-definition.js"
import { number, object } from "../../params/schema.js"
import { dbToGain } from "../../dsp/decibels.js"

export interface GainParams {
  readonly gain_db: number
}

/** Multiplies every sample by 10^(gain_db / 20). */
export const applyGain = (input: Float32Array, gainDb: number): Float32Array => {
  const g = dbToGain(gainDb)
  const out = new Float32Array(input.length)
  for (let i = 0; i < input.length; i++) out[i] = input[i]! * g
  return out
}

export const gainEffect: EffectDefinition<GainParams> = {
  uses: "gain",
  description: "Gain: multiplies the signal by 10^(gain_db/20).",
  params: object({
    gain_db: number({ description: "Gain", unit: "dB", minimum: -120, maximum: 60, default: 0 })
  }),
  process: (input, _sampleRate, params) => applyGain(input, params.gain_db)
}

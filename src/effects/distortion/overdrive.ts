import { oversampled, type OversampleFactor } from "../../dsp/oversample.js"
import { number, object } from "../../params/schema.js"
import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { oversampleParam } from "./oversample-param.js"
import { dbToGain } from "../../dsp/decibels.js"

export interface OverdriveParams {
  readonly gain_db: number
  readonly colour: number
  readonly oversample: OversampleFactor
}

/**
 * sox's `overdrive gain colour`: d = g x + colour/200, cubic soft clip d - d^3/3 (±2/3
 * beyond |d| > 1), a DC blocker y = d - d1 + 0.995 y1, and the output 0.5 x + 0.75 y.
 * The clip is branch-free: d is clamped to [-1, 1] with Math.min/max before the cubic
 * (so beyond the knee it gives 1 - 1/3, one rounding from sox's 2/3), and the DC blocker
 * runs in the same loop. With oversample = 1 (the default) the result equals sox's to
 * float precision. One difference: sox skips the effect entirely at gain 0 dB; we do not.
 */
export const overdrive: EffectDefinition<OverdriveParams> = inPlaceEffect<OverdriveParams>({
  uses: "distortion.overdrive",
  description: "sox's overdrive: biased cubic soft clip, DC blocker, 0.5 dry + 0.75 wet; equals `sox overdrive gain colour`.",
  params: object({
    gain_db: number({ description: "drive", unit: "dB", minimum: 0, maximum: 100, default: 20 }),
    colour: number({ description: "bias before the clipper (even harmonics), as in sox", minimum: 0, maximum: 100, default: 20 }),
    oversample: oversampleParam(1)
  }),
  processInto: (input, out, sampleRate, p) => {
    const g = dbToGain(p.gain_db)
    const colour = p.colour / 200
    const n = input.length
    let lastIn = 0
    let lastOut = 0
    if (p.oversample === 1) {
      for (let i = 0; i < n; i++) {
        const x = input[i]!
        const c = Math.min(1, Math.max(-1, g * x + colour))
        const d = c - (c * c * c) / 3
        lastOut = d - lastIn + 0.995 * lastOut
        lastIn = d
        out[i] = x * 0.5 + lastOut * 0.75
      }
      return
    }
    const shaped = oversampled(input, sampleRate, p.oversample, (b, m) => {
      for (let i = 0; i < m; i++) {
        const c = Math.min(1, Math.max(-1, g * b[i]! + colour))
        b[i] = c - (c * c * c) / 3
      }
    })
    // Oversampled: only the clipper runs at the high rate; the DC blocker stays at the base rate.
    for (let i = 0; i < n; i++) {
      const d = shaped[i]!
      lastOut = d - lastIn + 0.995 * lastOut
      lastIn = d
      out[i] = input[i]! * 0.5 + lastOut * 0.75
    }
  }
})

import { oversampled, type OversampleFactor } from "../../dsp/oversample.js"
import { integer, object } from "../../params/schema.js"
import type { EffectDefinition } from "../effect-definition.js"
import { oversampleParam } from "./oversample-param.js"

export interface BitcrushParams {
  readonly bits: number
  readonly downsample: number
  readonly oversample: OversampleFactor
}

/**
 * Sample-and-hold rate reduction (holds every `downsample`-th sample: the aliasing is
 * the point), then a mid-tread quantiser with 2^bits levels: k = round(x * 2^(bits-1))
 * clamped to [-2^(bits-1), 2^(bits-1) - 1], y = k / 2^(bits-1). `oversample` applies to
 * the quantiser only.
 */
export const bitcrush: EffectDefinition<BitcrushParams> = {
  uses: "distortion.bitcrush",
  description: "Bit depth and sample-rate reduction: sample-and-hold by `downsample`, then a 2^bits-level quantiser.",
  params: object({
    bits: integer({ description: "quantiser resolution (2^bits levels)", unit: "bits", minimum: 1, maximum: 24, default: 8 }),
    downsample: integer({ description: "hold each sample for this many samples (1 = off)", minimum: 1, maximum: 64, default: 1 }),
    oversample: oversampleParam(1)
  }),
  process: (input, sampleRate, p) => {
    const bits = Math.round(p.bits)
    const hold = Math.max(1, Math.round(p.downsample))
    let held = input
    if (hold > 1) {
      held = new Float32Array(input.length)
      for (let i = 0; i < input.length; i += hold) {
        const v = input[i]!
        const end = Math.min(input.length, i + hold)
        for (let j = i; j < end; j++) held[j] = v
      }
    }
    const s = Math.pow(2, bits - 1)
    const inv = 1 / s
    const lo = -s
    const hi = s - 1
    return oversampled(held, sampleRate, p.oversample, (b, n) => {
      for (let i = 0; i < n; i++) {
        let k = Math.round(b[i]! * s)
        k = k < lo ? lo : k > hi ? hi : k
        b[i] = k * inv
      }
    })
  }
}

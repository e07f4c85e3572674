import { oversampled, type OversampleFactor } from "../../dsp/oversample.js"
import { number, object } from "../../params/schema.js"
import type { EffectDefinition } from "../effect-definition.js"
import { oversampleParam } from "./oversample-param.js"
import { dbToGain } from "../../dsp/decibels.js"

/**
 * Static (memoryless) waveshapers. Each runs its curve over a whole block at a time, at
 * `oversample` times the rate when asked; oversampling is latency-compensated, so the
 * output stays aligned with the input.
 */

const driveDb = (d: number) => number({ description: "input gain before the curve", unit: "dB", minimum: 0, maximum: 60, default: d })

export interface TanhParams {
  readonly drive_db: number
  readonly mix: number
  readonly oversample: OversampleFactor
}

export const tanhDistortion: EffectDefinition<TanhParams> = {
  uses: "distortion.tanh",
  description: "Hyperbolic tangent saturation: y = tanh(g x), mixed with the dry signal.",
  params: object({
    drive_db: driveDb(12),
    mix: number({ description: "wet share: 0 dry only, 1 wet only", minimum: 0, maximum: 1, default: 1 }),
    oversample: oversampleParam(1)
  }),
  process: (input, sampleRate, p) => {
    const g = dbToGain(p.drive_db)
    const wet = oversampled(input, sampleRate, p.oversample, (b, n) => {
      for (let i = 0; i < n; i++) b[i] = Math.tanh(g * b[i]!)
    })
    const m = p.mix
    if (m !== 1) for (let i = 0; i < wet.length; i++) wet[i] = (1 - m) * input[i]! + m * wet[i]!
    return wet
  }
}

export interface HardclipParams {
  readonly threshold_db: number
  readonly oversample: OversampleFactor
}

export const hardclipDistortion: EffectDefinition<HardclipParams> = {
  uses: "distortion.hardclip",
  description:
    "Hard clipper: y = clamp(x, -t, t), t = 10^(threshold_db/20). With oversample > 1 the anti-alias filter's ringing can overshoot t slightly.",
  params: object({
    threshold_db: number({ description: "clipping level relative to full scale", unit: "dBFS", minimum: -60, maximum: 0, default: -6 }),
    oversample: oversampleParam(1)
  }),
  process: (input, sampleRate, p) => {
    const t = dbToGain(p.threshold_db)
    return oversampled(input, sampleRate, p.oversample, (b, n) => {
      for (let i = 0; i < n; i++) {
        const x = b[i]!
        b[i] = x > t ? t : x < -t ? -t : x
      }
    })
  }
}

export interface SoftclipParams {
  readonly drive_db: number
  readonly oversample: OversampleFactor
}

export const softclipDistortion: EffectDefinition<SoftclipParams> = {
  uses: "distortion.softclip",
  description: "Cubic soft clipper: u = clamp(g x, -1, 1), y = 1.5 u - 0.5 u^3 (smooth, saturates at +-1).",
  params: object({ drive_db: driveDb(6), oversample: oversampleParam(1) }),
  process: (input, sampleRate, p) => {
    const g = dbToGain(p.drive_db)
    return oversampled(input, sampleRate, p.oversample, (b, n) => {
      for (let i = 0; i < n; i++) {
        let u = g * b[i]!
        u = u > 1 ? 1 : u < -1 ? -1 : u
        b[i] = 1.5 * u - 0.5 * u * u * u
      }
    })
  }
}

export interface AsymmetricParams {
  readonly drive_db: number
  readonly bias: number
  readonly oversample: OversampleFactor
}

export const asymmetricDistortion: EffectDefinition<AsymmetricParams> = {
  uses: "distortion.asymmetric",
  description:
    "Asymmetric (biased) tanh: y = tanh(g x + bias) - tanh(bias). Even harmonics; silence stays silent.",
  params: object({
    drive_db: driveDb(12),
    bias: number({ description: "offset added before the curve (sign picks which half clips first)", minimum: -1, maximum: 1, default: 0.3 }),
    oversample: oversampleParam(1)
  }),
  process: (input, sampleRate, p) => {
    const g = dbToGain(p.drive_db)
    const b0 = p.bias
    const offset = Math.tanh(b0)
    return oversampled(input, sampleRate, p.oversample, (b, n) => {
      for (let i = 0; i < n; i++) b[i] = Math.tanh(g * b[i]! + b0) - offset
    })
  }
}

export interface FoldbackParams {
  readonly threshold: number
  readonly drive_db: number
  readonly oversample: OversampleFactor
}

export const foldbackDistortion: EffectDefinition<FoldbackParams> = {
  uses: "distortion.foldback",
  description: "Wave folder: whatever exceeds +-threshold is reflected back inside (repeatedly), so |y| <= threshold.",
  params: object({
    threshold: number({ description: "folding level", unit: "linear (full scale = 1)", minimum: 0.01, maximum: 1, default: 0.5 }),
    drive_db: number({ description: "input gain before folding", unit: "dB", minimum: 0, maximum: 36, default: 0 }),
    oversample: oversampleParam(1)
  }),
  process: (input, sampleRate, p) => {
    const t = p.threshold
    const g = dbToGain(p.drive_db) / t
    return oversampled(input, sampleRate, p.oversample, (b, n) => {
      for (let i = 0; i < n; i++) {
        // Triangle fold of u = g x / t with period 4: maps to [-1, 1].
        const u = g * b[i]! + 1
        let m = u - 4 * Math.floor(u / 4)
        m = m < 2 ? m - 1 : 3 - m
        b[i] = t * m
      }
    })
  }
}

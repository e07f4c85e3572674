import type { Rng } from "../../dsp/rng.js"
import { number, object } from "../../schema/param-schema.js"
import type { EffectDefinition } from "../effect-definition.js"

export interface AlgorithmicParams {
  readonly room_size: number
  readonly damping: number
  readonly mix: number
  readonly width: number
  readonly predelay_ms: number
}

// Jezar's Freeverb tunings at 44.1 kHz, scaled to the sample rate.
const COMB_TUNINGS = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617]
const ALLPASS_TUNINGS = [556, 441, 341, 225]
const STEREO_SPREAD = 23
const FIXED_GAIN = 0.015
const ALLPASS_FEEDBACK = 0.5

/**
 * One Freeverb tank: 8 parallel lowpass-feedback comb filters into 4 series all-passes.
 * The comb feedback g = 0.7 + 0.28·room_size < 1 and the one-pole damping filter in the
 * loop has gain ≤ 1, so every loop gain is below 1: the response decays.
 */
const tank = (input: Float32Array, sampleRate: number, feedback: number, damp: number, spread: number, out: Float64Array): void => {
  const scale = sampleRate / 44100
  const n = input.length
  out.fill(0)
  for (const tuning of COMB_TUNINGS) {
    const size = Math.max(1, Math.round((tuning + spread) * scale))
    const buf = new Float64Array(size)
    let idx = 0
    let store = 0
    const d1 = damp
    const d2 = 1 - damp
    for (let i = 0; i < n; i++) {
      const y = buf[idx]!
      store = y * d2 + store * d1
      buf[idx] = input[i]! * FIXED_GAIN * 2 + store * feedback
      if (++idx === size) idx = 0
      out[i] += y
    }
  }
  for (const tuning of ALLPASS_TUNINGS) {
    const size = Math.max(1, Math.round((tuning + spread) * scale))
    const buf = new Float64Array(size)
    let idx = 0
    for (let i = 0; i < n; i++) {
      const b = buf[idx]!
      const x = out[i]!
      buf[idx] = x + b * ALLPASS_FEEDBACK
      out[i] = b - x
      if (++idx === size) idx = 0
    }
  }
}

/**
 * Freeverb (Jezar at Dreampoint, public domain), mono in and out. `width` mixes the two
 * decorrelated tanks of the stereo original: the output is the left channel,
 * L·(1 + width)/2 + R·(1 − width)/2, so width = 1 runs one tank only.
 */
export const freeverb = (input: Float32Array, sampleRate: number, p: AlgorithmicParams): Float32Array => {
  const feedback = 0.7 + 0.28 * p.room_size
  const damp = 0.4 * p.damping
  const n = input.length
  const delay = Math.max(0, Math.round((p.predelay_ms / 1000) * sampleRate))
  // Predelay the tank input.
  let source = input
  if (delay > 0) {
    source = new Float32Array(n)
    source.set(input.subarray(0, Math.max(0, n - delay)), Math.min(delay, n))
  }
  const left = new Float64Array(n)
  tank(source, sampleRate, feedback, damp, 0, left)
  const wet1 = (1 + p.width) / 2
  const wet2 = (1 - p.width) / 2
  let right: Float64Array | undefined
  if (wet2 > 0) {
    right = new Float64Array(n)
    tank(source, sampleRate, feedback, damp, STEREO_SPREAD, right)
  }
  const out = new Float32Array(n)
  const dry = 1 - p.mix
  for (let i = 0; i < n; i++) {
    const wet = left[i]! * wet1 + (right ? right[i]! * wet2 : 0)
    out[i] = dry * input[i]! + p.mix * wet
  }
  return out
}

export const algorithmicDefinition: EffectDefinition<AlgorithmicParams> = {
  uses: "reverb.algorithmic",
  description:
    "Freeverb: 8 lowpass-feedback combs and 4 all-passes with the classic tunings scaled to the sample rate. " +
    "The output has the input's length: pad clips with silence to keep the tail.",
  params: object({
    room_size: number({ description: "Comb feedback 0.7 + 0.28·room_size: larger = longer decay", minimum: 0, maximum: 1, default: 0.5 }),
    damping: number({ description: "High-frequency damping in the comb loops", minimum: 0, maximum: 1, default: 0.5 }),
    mix: number({ description: "Wet/dry balance: 0 = dry only, 1 = wet only", minimum: 0, maximum: 1, default: 0.3 }),
    width: number({ description: "Stereo width of the original, folded to mono: 1 = one tank, 0 = both tanks equally", minimum: 0, maximum: 1, default: 1 }),
    predelay_ms: number({ description: "Delay before the reverb", minimum: 0, maximum: 500, default: 0, unit: "ms" })
  }),
  process: (input: Float32Array, sampleRate: number, p: AlgorithmicParams, _rng: Rng): Float32Array =>
    freeverb(input, sampleRate, {
      room_size: p.room_size ?? 0.5,
      damping: p.damping ?? 0.5,
      mix: p.mix ?? 0.3,
      width: p.width ?? 1,
      predelay_ms: p.predelay_ms ?? 0
    })
}

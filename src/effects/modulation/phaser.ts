import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { integer, number, object } from "../../params/schema.js"
import { Lfo, type LfoShape } from "../../dsp/lfo.js"
import { lfoPhaseParam, lfoShapeParam, mixParam } from "./lfo-params.js"

export interface PhaserParams {
  readonly rate_hz: number
  readonly depth: number
  readonly centre_hz: number
  readonly stages: number
  readonly feedback: number
  readonly mix: number
  readonly sweep_octaves: number
  readonly lfo_shape: LfoShape
  readonly phase: number
}

/** Control-rate block: the all-pass coefficient is recomputed every BLOCK samples and ramped between. */
const BLOCK = 32
/** Intervals of the coefficient table over the LFO values that sweep the break frequency. */
const COEFFICIENT_TABLE = 4096

/** Coefficient of A(z) = (a + z^-1) / (1 + a z^-1), whose phase is -90° at `freq`. */
export const allpassCoefficient = (freq: number, sampleRate: number): number => {
  const t = Math.tan((Math.PI * freq) / sampleRate)
  return (t - 1) / (t + 1)
}

/**
 * Phaser: `stages` identical first-order all-passes in series, their break frequency
 * swept by the LFO around centre_hz (f = centre_hz · 2^(depth · sweep_octaves · lfo),
 * kept within 10 Hz .. 0.45 fs), the chain output fed back with one sample of delay, and
 * mixed with the dry signal. With mix 0.5 the all-pass phase reaching -180°, -540°, ...
 * cancels the dry signal: stages/2 notches (for an even stage count).
 *   u[n] = x[n] + feedback · w[n-1],  w = A^stages u,  y = (1 - mix) x + mix · w
 */
export const phaser = (input: Float32Array, sampleRate: number, p: PhaserParams): Float32Array => {
  const out = new Float32Array(input.length)
  phaserInto(input, out, sampleRate, p)
  return out
}

/** {@link phaser} written into `out` (the input's length, not the input itself). */
export const phaserInto = (input: Float32Array, out: Float32Array, sampleRate: number, p: PhaserParams): void => {
  const n = input.length
  const stages = Math.max(1, Math.floor(p.stages))
  const state = new Float64Array(stages)
  const lfo = new Lfo(p.lfo_shape, p.rate_hz * BLOCK, sampleRate, p.phase / 360)
  const octaves = p.depth * p.sweep_octaves
  const fMin = 10
  const fMax = 0.45 * sampleRate
  const exactCoefficientAt = (lfoValue: number): number => {
    let f = p.centre_hz * Math.pow(2, octaves * lfoValue)
    if (f < fMin) f = fMin
    else if (f > fMax) f = fMax
    return allpassCoefficient(f, sampleRate)
  }
  // The coefficient as a function of the LFO value, tabulated (Math.pow and Math.tan every
  // 32 samples were half the phaser's time) over the LFO values lo .. hi where the break
  // frequency is not clamped (outside, it is constant: the LFO value is clamped instead),
  // read with linear interpolation: coefficient error below 2.1e-6 (worst: 5 octaves
  // swept up to 0.45 fs), 1e-8 for sweeps that stay low.
  const lo = octaves > 0 ? Math.max(-1, Math.log2(fMin / p.centre_hz) / octaves) : -1
  const hi = octaves > 0 ? Math.min(1, Math.log2(fMax / p.centre_hz) / octaves) : 1
  const constant = !(hi > lo) ? exactCoefficientAt(0) : undefined
  const table = new Float64Array(COEFFICIENT_TABLE + 2)
  if (constant === undefined) {
    for (let i = 0; i <= COEFFICIENT_TABLE; i++) table[i] = exactCoefficientAt(lo + ((hi - lo) * i) / COEFFICIENT_TABLE)
    table[COEFFICIENT_TABLE + 1] = table[COEFFICIENT_TABLE]!
  }
  const perUnit = COEFFICIENT_TABLE / (hi - lo)
  const coefficientAt = (lfoValue: number): number => {
    if (constant !== undefined) return constant
    const u = (Math.min(hi, Math.max(lo, lfoValue)) - lo) * perUnit
    const i = Math.min(COEFFICIENT_TABLE, Math.floor(u))
    const t = table[i]!
    return t + (u - i) * (table[i + 1]! - t)
  }
  const fb = p.feedback
  const mix = p.mix
  const dry = 1 - mix
  const coefficients = new Float64Array(BLOCK)
  const gains = new Float64Array(BLOCK)
  const chain = new Float64Array(BLOCK)
  let a = coefficientAt(lfo.next())
  let w = 0
  for (let start = 0; start < n; start += BLOCK) {
    const end = start + BLOCK < n ? start + BLOCK : n
    const len = end - start
    const target = coefficientAt(lfo.next())
    const step = (target - a) / BLOCK
    if (fb === 0 && stages === 4) {
      // the default: one pass, the four stages' states in locals
      fourStages(input, out, start, len, a, step, state, dry, mix)
      a += len * step
      continue
    }
    for (let j = 0; j < len; j++) {
      const c = a + j * step
      coefficients[j] = c
      gains[j] = 1 - c * c
    }
    a += len * step
    if (fb === 0) {
      // No feedback: run the block through the stages two at a time with their states in
      // locals. Each stage is written z[n] = (1 - a²) u[n] - a z[n-1], y[n] = a u[n] + z[n-1]
      // (the same TDF-II all-pass): the recursion through z is one multiply and one
      // subtract, and the two stages' recursions overlap.
      for (let j = 0; j < len; j++) chain[j] = input[start + j]!
      let k = 0
      for (; k + 1 < stages; k += 2) {
        let z1 = state[k]!
        let z2 = state[k + 1]!
        for (let j = 0; j < len; j++) {
          const c = coefficients[j]!
          const g = gains[j]!
          const u = chain[j]!
          const y1 = c * u + z1
          z1 = g * u - c * z1
          const y2 = c * y1 + z2
          z2 = g * y1 - c * z2
          chain[j] = y2
        }
        state[k] = z1
        state[k + 1] = z2
      }
      if (k < stages) {
        let z = state[k]!
        for (let j = 0; j < len; j++) {
          const c = coefficients[j]!
          const u = chain[j]!
          chain[j] = c * u + z
          z = gains[j]! * u - c * z
        }
        state[k] = z
      }
      for (let j = 0; j < len; j++) out[start + j] = dry * input[start + j]! + mix * chain[j]!
    } else {
      for (let j = 0; j < len; j++) {
        const c = coefficients[j]!
        const x = input[start + j]!
        let u = x + fb * w
        for (let k = 0; k < stages; k++) {
          // transposed direct form II of (a + z^-1) / (1 + a z^-1)
          const y = c * u + state[k]!
          state[k] = u - c * y
          u = y
        }
        w = u
        out[start + j] = dry * x + mix * w
      }
    }
  }
}

/**
 * Four all-pass stages without feedback over samples start .. start + len − 1, straight
 * from `input` to `out`: the coefficient c = a + j·step ramps over the block, each stage
 * z[n] = (1 − c²) u[n] − c z[n−1], y[n] = c u[n] + z[n−1] (as the general path), the
 * four recursions overlapping in one loop; the states in and out of `state`.
 */
const fourStages = (
  input: Float32Array,
  out: Float32Array,
  start: number,
  len: number,
  a: number,
  step: number,
  state: Float64Array,
  dry: number,
  mix: number
): void => {
  let z1 = state[0]!
  let z2 = state[1]!
  let z3 = state[2]!
  let z4 = state[3]!
  for (let j = 0; j < len; j++) {
    const c = a + j * step
    const g = 1 - c * c
    const x = input[start + j]!
    const y1 = c * x + z1
    z1 = g * x - c * z1
    const y2 = c * y1 + z2
    z2 = g * y1 - c * z2
    const y3 = c * y2 + z3
    z3 = g * y2 - c * z3
    const y4 = c * y3 + z4
    z4 = g * y3 - c * z4
    out[start + j] = dry * x + mix * y4
  }
  state[0] = z1
  state[1] = z2
  state[2] = z3
  state[3] = z4
}

export const phaserEffect: EffectDefinition<PhaserParams> = inPlaceEffect<PhaserParams>({
  uses: "mod.phaser",
  description:
    "Phaser: a chain of first-order all-passes swept by the LFO around centre_hz, with feedback, mixed with the dry signal " +
    "(stages/2 moving notches at mix 0.5).",
  params: object({
    rate_hz: number({ description: "LFO rate", unit: "Hz", minimum: 0, maximum: 10, default: 0.5 }),
    depth: number({ description: "Sweep depth as a share of sweep_octaves (0 = static)", minimum: 0, maximum: 1, default: 0.5 }),
    centre_hz: number({ description: "All-pass break frequency at the LFO's centre", unit: "Hz", minimum: 20, maximum: 16000, default: 1000 }),
    stages: integer({ description: "Number of first-order all-pass stages (even: stages/2 notches)", minimum: 1, maximum: 24, default: 4 }),
    feedback: number({ description: "Share of the all-pass output fed back to its input", minimum: -0.95, maximum: 0.95, default: 0 }),
    mix: mixParam(0.5),
    sweep_octaves: number({ description: "Sweep at depth 1: the break frequency moves ± this many octaves", unit: "oct", minimum: 0, maximum: 5, default: 2 }),
    lfo_shape: lfoShapeParam,
    phase: lfoPhaseParam
  }),
  processInto: (input, output, sampleRate, params) => phaserInto(input, output, sampleRate, params)
})

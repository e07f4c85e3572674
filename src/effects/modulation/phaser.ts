import type { EffectDefinition } from "../effect-definition.js"
import { integer, number, object } from "../../schema/param-schema.js"
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
  const n = input.length
  const out = new Float32Array(n)
  const stages = Math.max(1, Math.floor(p.stages))
  const state = new Float64Array(stages)
  const lfo = new Lfo(p.lfo_shape, p.rate_hz * BLOCK, sampleRate, p.phase / 360)
  const octaves = p.depth * p.sweep_octaves
  const fMin = 10
  const fMax = 0.45 * sampleRate
  const coefficientAt = (lfoValue: number): number => {
    let f = p.centre_hz * Math.pow(2, octaves * lfoValue)
    if (f < fMin) f = fMin
    else if (f > fMax) f = fMax
    return allpassCoefficient(f, sampleRate)
  }
  const fb = p.feedback
  const mix = p.mix
  const dry = 1 - mix
  let a = coefficientAt(lfo.next())
  let w = 0
  for (let start = 0; start < n; start += BLOCK) {
    const end = start + BLOCK < n ? start + BLOCK : n
    const target = coefficientAt(lfo.next())
    const step = (target - a) / BLOCK
    for (let i = start; i < end; i++) {
      const x = input[i]!
      let u = x + fb * w
      for (let k = 0; k < stages; k++) {
        // transposed direct form II of (a + z^-1) / (1 + a z^-1)
        const y = a * u + state[k]!
        state[k] = u - a * y
        u = y
      }
      w = u
      out[i] = dry * x + mix * w
      a += step
    }
  }
  return out
}

export const phaserEffect: EffectDefinition<PhaserParams> = {
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
  process: (input, sampleRate, params) => phaser(input, sampleRate, params)
}

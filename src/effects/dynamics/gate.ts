import type { EffectDefinition } from "../effect-definition.js"
import { number, object } from "../../params/schema.js"
import { BranchingSmoother, PeakFollower, timeCoefficient } from "../../dsp/envelope.js"
import { expansionReductionDb } from "./gain-computer.js"
import { exp2, LOG2_PER_DB } from "./fast-math.js"
import { LevelTable } from "./level-table.js"

export interface GateParams {
  readonly threshold_db: number
  readonly ratio: number
  readonly attack_ms: number
  readonly release_ms: number
  readonly range_db: number
  readonly hold_ms: number
}

/**
 * Downward expander / noise gate. The level is a peak envelope of |x| (instant attack,
 * decay with `hold_ms`) so the gate does not chatter on each zero crossing; below the
 * threshold the output level is T + ratio·(x − T) (at most `range_db` down). The gain
 * reduction (dB) opens with `attack_ms` and closes with `release_ms`.
 */
export const gate = (input: Float32Array, sampleRate: number, p: GateParams): Float32Array => {
  const n = input.length
  const out = new Float32Array(n)
  const aA = timeCoefficient(p.attack_ms, sampleRate)
  const aR = timeCoefficient(p.release_ms, sampleRate)
  const aH = timeCoefficient(p.hold_ms, sampleRate)
  const T = p.threshold_db
  const R = p.ratio
  const range = p.range_db
  // envelope level -> reduction, tabulated from 2^-24 (-144 dB) to 2^16 (+96 dB)
  const curve = new LevelTable((db) => expansionReductionDb(db, T, R, range), 20, -24, 16)
  // the table reads float32 bit patterns: a same-size store and load per sample
  const env32 = new Float32Array(1)
  const envBits = new Int32Array(env32.buffer)
  const level = new PeakFollower(aH)
  // on the gain reduction (dB), rising = the gate closing (release), falling = opening (attack)
  const reduction = new BranchingSmoother(aR, aA)
  for (let i = 0; i < n; i++) {
    const x = input[i]!
    env32[0] = level.next(x)
    const y = reduction.next(curve.lookup(envBits[0]!))
    out[i] = y > 1e-9 ? x * exp2(-y * LOG2_PER_DB) : x
  }
  return out
}

export const noiseGate: EffectDefinition<GateParams> = {
  uses: "dynamics.gate",
  description:
    "Downward expander / noise gate: peak-envelope level detector, below the threshold the level drops ratio times " +
    "faster than the input (capped at range_db), gain reduction smoothed with attack (opening) and release (closing).",
  params: object({
    threshold_db: number({ description: "Level below which the signal is attenuated", unit: "dB", minimum: -120, maximum: 0, default: -50 }),
    ratio: number({ description: "Expansion ratio below the threshold (large = gate)", unit: "1:", minimum: 1, maximum: 100, default: 10 }),
    attack_ms: number({ description: "Time constant of the gate opening", unit: "ms", minimum: 0, maximum: 1000, default: 1 }),
    release_ms: number({ description: "Time constant of the gate closing", unit: "ms", minimum: 0, maximum: 5000, default: 100 }),
    range_db: number({ description: "Largest attenuation applied", unit: "dB", minimum: 0, maximum: 200, default: 90 }),
    hold_ms: number({ description: "Decay time of the peak level detector (keeps the gate from chattering on low notes)", unit: "ms", minimum: 0, maximum: 1000, default: 20 })
  }),
  process: (input, sampleRate, params) => gate(input, sampleRate, params)
}

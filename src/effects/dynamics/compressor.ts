import type { EffectDefinition } from "../effect-definition.js"
import { number, object, oneOf } from "../../params/schema.js"
import { BranchingSmoother, DecoupledSmoother, timeCoefficient } from "../../dsp/envelope.js"
import { compressionReductionDb } from "./gain-computer.js"
import { exp2, LOG2_PER_DB } from "./fast-math.js"
import { LevelTable } from "./level-table.js"
import { dbToGain } from "../../dsp/decibels.js"

export type LevelDetector = "branching" | "decoupled"

export interface CompressorParams {
  readonly threshold_db: number
  readonly ratio: number
  readonly attack_ms: number
  readonly release_ms: number
  readonly knee_db: number
  readonly makeup_db: number
  readonly detector: LevelDetector
}

/**
 * Feed-forward compressor after Giannoulis, Massberg & Reiss (JAES 2012), log-domain
 * topology: the instantaneous level 20 log10|x| goes through the soft-knee gain computer,
 * the resulting gain reduction (dB) is smoothed by a peak detector, and the output is
 * x · 10^((makeup - reduction) / 20). Detectors: "branching" (smooth branching peak
 * detector: attack coefficient while the reduction grows, release while it shrinks) or
 * "decoupled" (instant-attack peak follower with release, then attack smoothing).
 */
export const compress = (input: Float32Array, sampleRate: number, p: CompressorParams): Float32Array => {
  const out = new Float32Array(input.length)
  const { threshold_db: T, ratio: R, knee_db: W } = p
  // |x| from 2^-24 (-144 dB, everything quieter reads as that) to 2^16 (+96 dB)
  const curve = new LevelTable((db) => compressionReductionDb(db, T, R, W), 20, -24, 16)
  const aA = timeCoefficient(p.attack_ms, sampleRate)
  const aR = timeCoefficient(p.release_ms, sampleRate)
  const detector = p.detector === "decoupled" ? new DecoupledSmoother(aA, aR) : new BranchingSmoother(aA, aR)
  compressWith(input, out, curve, detector, p.makeup_db)
  return out
}

const compressWith = (
  input: Float32Array,
  out: Float32Array,
  curve: LevelTable,
  detector: BranchingSmoother | DecoupledSmoother,
  makeup: number
) => {
  const n = input.length
  // the input's bit patterns: the level table reads them (no Math.log)
  const inputBits = new Int32Array(input.buffer, input.byteOffset, n)
  const makeupGain = dbToGain(makeup)
  for (let i = 0; i < n; i++) {
    const y = detector.next(curve.lookup(inputBits[i]! & 0x7fffffff))
    // no reduction (quiet passages): skip the exponential
    out[i] = y > 1e-9 ? input[i]! * exp2((makeup - y) * LOG2_PER_DB) : input[i]! * makeupGain
  }
}

export const compressor: EffectDefinition<CompressorParams> = {
  uses: "dynamics.compressor",
  description:
    "Feed-forward compressor (Giannoulis/Massberg/Reiss 2012): log-domain gain computer with a quadratic soft knee, " +
    "gain reduction smoothed by a smooth branching (default) or decoupled peak detector in the log domain, then makeup gain.",
  params: object({
    threshold_db: number({ description: "Level above which the gain is reduced", unit: "dB", minimum: -80, maximum: 0, default: -20 }),
    ratio: number({ description: "Input dB over threshold per output dB over threshold", unit: ":1", minimum: 1, maximum: 100, default: 4 }),
    attack_ms: number({ description: "Time constant while the gain reduction grows", unit: "ms", minimum: 0, maximum: 1000, default: 10 }),
    release_ms: number({ description: "Time constant while the gain reduction shrinks", unit: "ms", minimum: 0, maximum: 5000, default: 100 }),
    knee_db: number({ description: "Width of the quadratic soft knee, centred on the threshold (0 = hard knee)", unit: "dB", minimum: 0, maximum: 40, default: 6 }),
    makeup_db: number({ description: "Gain applied after compression", unit: "dB", minimum: -24, maximum: 48, default: 0 }),
    detector: oneOf(["branching", "decoupled"], {
      description: "Peak detector smoothing the gain reduction (log domain): smooth branching or smooth decoupled",
      default: "branching"
    })
  }),
  process: (input, sampleRate, params) => compress(input, sampleRate, params)
}

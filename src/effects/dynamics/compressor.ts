import type { EffectDefinition } from "../effect-definition.js"
import { number, object, oneOf } from "../../schema/param-schema.js"
import { timeCoefficient } from "../../dsp/envelope.js"
import { compressionReductionDb, DB_PER_NEPER, NEPER_PER_DB } from "./gain-computer.js"

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
  const n = input.length
  const out = new Float32Array(n)
  const aA = timeCoefficient(p.attack_ms, sampleRate)
  const aR = timeCoefficient(p.release_ms, sampleRate)
  const T = p.threshold_db
  const R = p.ratio
  const W = p.knee_db
  const makeup = p.makeup_db
  // Below the knee's start the gain computer is the identity: skip the log there.
  const quietBelow = Math.exp((T - W / 2) * NEPER_PER_DB)
  const makeupGain = Math.exp(makeup * NEPER_PER_DB)
  const decoupled = p.detector === "decoupled"
  let y = 0 // smoothed gain reduction, dB
  let peak = 0 // decoupled detector's release stage
  for (let i = 0; i < n; i++) {
    const x = input[i]!
    const ax = x < 0 ? -x : x
    const xl = ax > quietBelow ? compressionReductionDb(DB_PER_NEPER * Math.log(ax), T, R, W) : 0
    if (decoupled) {
      const released = aR * peak + (1 - aR) * xl
      peak = xl > released ? xl : released
      y = aA * y + (1 - aA) * peak
    } else {
      y = xl > y ? aA * y + (1 - aA) * xl : aR * y + (1 - aR) * xl
    }
    // no reduction (most samples of quiet passages): skip the exp
    out[i] = y > 1e-9 ? x * Math.exp((makeup - y) * NEPER_PER_DB) : x * makeupGain
  }
  return out
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

import type { EffectDefinition } from "../effect-definition.js"
import { number, object, oneOf } from "../../params/schema.js"
import { BranchingSmoother, MeanSquareDetector, timeCoefficient } from "../../dsp/envelope.js"
import { compressionReductionDb } from "./gain-computer.js"
import { exp2, LOG2_PER_DB } from "./fast-math.js"
import { LevelTable } from "./level-table.js"
import { dbToGain } from "../../dsp/decibels.js"

export type OpticalMode = "compress" | "limit"

export interface OpticalParams {
  readonly peak_reduction: number
  readonly mode: OpticalMode
  readonly gain_db: number
}

/**
 * The constants of the opto model, after the published behaviour of the LA-2A's T4
 * cell (electroluminescent panel + photoresistor): about 10 ms attack, release of
 * about 60 ms for the first half of the reduction, then one to several seconds for the
 * rest, slower the longer and harder the cell was lit.
 */
export const opticalModel = {
  /** RMS window of the side-chain (the panel responds to power). */
  detectorMs: 5,
  attackMs: 10,
  /** Fast photoresistor component: release time constant. */
  fastReleaseMs: 60,
  /** Slow ("memory") component: charge and release time constants, and its share. */
  slowChargeMs: 1000,
  slowReleaseMs: 2000,
  slowShare: 0.5,
  /** Side-chain gain per unit of peak_reduction, and the cell's threshold. */
  sidechainDbPerUnit: 0.5,
  thresholdDb: 6,
  compress: { ratio: 3, kneeDb: 10 },
  limit: { ratio: 20, kneeDb: 4 }
} as const

/**
 * LA-2A-like optical leveller, a deterministic behavioural model:
 *  - side-chain: RMS level (5 ms) of the input amplified by 0.5 dB per unit of
 *    peak_reduction, so 0 gives no reduction on full-scale audio and 100 starts reducing
 *    at about -44 dBFS RMS;
 *  - gain computer: soft knee, 3:1 in "compress", 20:1 in "limit";
 *  - T4 cell: the demanded reduction (dB) drives two states. The fast state follows with
 *    10 ms attack and 60 ms release; the slow state charges toward half of the demand
 *    with a 1 s time constant and releases with 2 s. The applied reduction is the larger
 *    of the two, so after a short burst (slow state barely charged) the gain recovers in
 *    tens of milliseconds, and after a long one it drops back fast to about half the
 *    reduction and then recovers over seconds: program-dependent, two-stage release.
 *  - output gain: gain_db.
 */
export const opticalCompress = (input: Float32Array, sampleRate: number, p: OpticalParams): Float32Array => {
  const m = opticalModel
  const n = input.length
  const out = new Float32Array(n)
  const curve = p.mode === "limit" ? m.limit : m.compress
  const aDet = timeCoefficient(m.detectorMs, sampleRate)
  const aAtt = timeCoefficient(m.attackMs, sampleRate)
  const aFast = timeCoefficient(m.fastReleaseMs, sampleRate)
  const aCharge = timeCoefficient(m.slowChargeMs, sampleRate)
  const aSlow = timeCoefficient(m.slowReleaseMs, sampleRate)
  const share = m.slowShare
  // threshold seen by the unamplified signal, and the mean square where the knee starts
  const T = m.thresholdDb - m.sidechainDbPerUnit * p.peak_reduction
  // RMS level in dB, +3.01 dB so a sine reads as its peak level: 10 log10(2 · mean square),
  // tabulated over 2 · mean square from 2^-48 (-144 dB) to 2^32 (+96 dB)
  const gainComputer = new LevelTable((db) => compressionReductionDb(db, T, curve.ratio, curve.kneeDb), 10, -48, 32)
  const outputGain = dbToGain(p.gain_db)
  // the table reads float32 bit patterns: a same-size store and load per sample
  const level32 = new Float32Array(1)
  const levelBits = new Int32Array(level32.buffer)
  const meanSquare = new MeanSquareDetector(aDet)
  // T4 cell: fast state (attack / fast release) and slow memory state (charge / release)
  const fast = new BranchingSmoother(aAtt, aFast)
  const slow = new BranchingSmoother(aCharge, aSlow)
  for (let i = 0; i < n; i++) {
    const x = input[i]!
    level32[0] = 2 * meanSquare.next(x)
    const demand = gainComputer.lookup(levelBits[0]!)
    const reduction = Math.max(fast.next(demand), slow.next(share * demand))
    out[i] = reduction > 1e-9 ? x * exp2((p.gain_db - reduction) * LOG2_PER_DB) : x * outputGain
  }
  return out
}

export const optical: EffectDefinition<OpticalParams> = {
  uses: "dynamics.optical",
  description:
    "LA-2A-like optical compressor: RMS side-chain scaled by peak_reduction, soft-knee 3:1 (compress) or 20:1 (limit), " +
    "and a two-state T4 cell model (10 ms attack, 60 ms fast release, slow 1 s/2 s memory state) giving program-dependent release.",
  params: object({
    peak_reduction: number({ description: "Side-chain gain, as the PEAK REDUCTION knob: 0 = none, 100 = most", minimum: 0, maximum: 100, default: 50 }),
    mode: oneOf(["compress", "limit"], { description: "Compress (about 3:1) or limit (about 20:1)", default: "compress", distribution: true }),
    gain_db: number({ description: "Output gain, as the GAIN knob", unit: "dB", minimum: -40, maximum: 40, default: 0 })
  }),
  process: (input, sampleRate, params) => opticalCompress(input, sampleRate, params)
}

import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { number, object, oneOf } from "../../params/schema.js"
import { timeCoefficient } from "../../dsp/envelope.js"
import { compressionReductionDb } from "./gain-computer.js"
import { exp2Tables, LOG2_PER_DB } from "./fast-math.js"
import { LevelTable, STEP_BITS, STEP_MASK, STEP_SCALE } from "./level-table.js"

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
  compressInto(input, out, sampleRate, p)
  return out
}

/** {@link compress} written into `out` (the input's length, not the input itself). */
export const compressInto = (input: Float32Array, out: Float32Array, sampleRate: number, p: CompressorParams): void => {
  const { threshold_db: T, ratio: R, knee_db: W } = p
  // |x| from 2^-24 (-144 dB, everything quieter reads as that) to 2^16 (+96 dB)
  const curve = new LevelTable((db) => compressionReductionDb(db, T, R, W), 20, -24, 16)
  const aA = timeCoefficient(p.attack_ms, sampleRate)
  const aR = timeCoefficient(p.release_ms, sampleRate)
  if (p.detector === "decoupled") decoupled(input, out, curve, aA, aR, p.makeup_db)
  else branching(input, out, curve, aA, aR, p.makeup_db)
}

/*
 * The sample loops below inline the level table (LevelTable.lookup), the detector and
 * exp2 (fast-math.ts), with every table and constant in a local, and have no
 * data-dependent branch: V8 compiles Math.max of doubles to compares and jumps, which
 * on noisy audio mispredict about every other sample, so the detectors select with
 * Math.abs instead (max(a, b) of the two candidate updates, written as one update with
 * a coefficient picked by the sign of the difference). The gain 2^((makeup - y)·log2 per dB)
 * needs no clamp: the reduction y is at most 176 dB (the table ends at +96 dB, thresholds
 * start at -80 dB), far inside exp2's range.
 *
 * They run BLOCK samples per call, the detector state carried between calls: a loop
 * that runs a whole 60 s signal in its first call is optimised on-stack in the middle of
 * that call, before V8 has type feedback for the code ahead of the loop, and was measured
 * to stay on that slower code (2.7× slower) in about half of the processes; short calls are
 * optimised whole after a few blocks, fast from the first call on.
 */
const BLOCK = 4096

/** What the loops need of the level table and the makeup gain. */
interface Kernel {
  readonly bits: Int32Array
  readonly table: Float64Array
  readonly base: number
  readonly last: number
  /** u = shift + scale·y is exp2's table position for the gain 2^((makeup − y)·log2 per dB). */
  readonly shift: number
  readonly scale: number
}

const kernelOf = (input: Float32Array, curve: LevelTable, makeup: number): Kernel => ({
  // the input's bit patterns: the level table reads them (no Math.log)
  bits: new Int32Array(input.buffer, input.byteOffset, input.length),
  table: curve.table,
  base: curve.base,
  last: curve.last,
  shift: (exp2Tables.offset + makeup * LOG2_PER_DB) * (1 << exp2Tables.fracBits),
  scale: -LOG2_PER_DB * (1 << exp2Tables.fracBits)
})

const { pow2: POW2, fractionPow2: FRACTION_POW2, fracBits: FRAC_BITS, pow2Base: POW2_BASE } = exp2Tables
const FRAC_MASK = (1 << FRAC_BITS) - 1

/**
 * Smooth branching peak detector (Giannoulis et al. eq. 17) on the gain reduction r:
 * y += (1 - a)(r - y) with a the attack pole while r > y, the release pole otherwise:
 * with d = r - y, y += cM·d + cD·|d|, cM and cD the mean and half-difference of the
 * two (1 - a).
 */
const branching = (input: Float32Array, out: Float32Array, curve: LevelTable, aA: number, aR: number, makeup: number): void => {
  const k = kernelOf(input, curve, makeup)
  const cA = 1 - aA
  const cR = 1 - aR
  const cM = 0.5 * (cA + cR)
  const cD = 0.5 * (cA - cR)
  let y = 0
  for (let from = 0; from < input.length; from += BLOCK) {
    y = branchingBlock(input, out, from, Math.min(input.length, from + BLOCK), k.bits, k.table, k.base, k.last, k.shift, k.scale, cM, cD, y)
  }
}

/** Samples from .. to − 1 of {@link branching}; returns the detector state. */
const branchingBlock = (
  input: Float32Array,
  out: Float32Array,
  from: number,
  to: number,
  bits: Int32Array,
  table: Float64Array,
  base: number,
  last: number,
  shift: number,
  scale: number,
  cM: number,
  cD: number,
  y: number
): number => {
  const pow2 = POW2
  const fractionPow2 = FRACTION_POW2
  for (let i = from; i < to; i++) {
    const b = bits[i]! & 0x7fffffff
    let idx = (b >>> STEP_BITS) - base
    idx &= ~(idx >> 31) // quieter than the table: entry 0
    idx = idx > last ? last : idx
    const lo = table[idx]!
    const r = lo + (b & STEP_MASK) * STEP_SCALE * (table[idx + 1]! - lo)
    const d = r - y
    y += cM * d + cD * Math.abs(d)
    const u = shift + scale * y
    const k = u | 0
    const j = k & FRAC_MASK
    const f = fractionPow2[j]!
    out[i] = input[i]! * ((f + (u - k) * (fractionPow2[j + 1]! - f)) * pow2[(k >> FRAC_BITS) - POW2_BASE]!)
  }
  return y
}

/**
 * Smooth decoupled peak detector (Giannoulis et al. eq. 19): a peak follower with instant
 * attack and release pole aR, peak = max(r, aR·peak + (1 - aR)·r) = r + aR·max(0, peak - r),
 * max(0, v) written (v + |v|) / 2, then the attack smoother y += (1 - aA)(peak - y).
 */
const decoupled = (input: Float32Array, out: Float32Array, curve: LevelTable, aA: number, aR: number, makeup: number): void => {
  const k = kernelOf(input, curve, makeup)
  const state = new Float64Array(2) // peak, y
  for (let from = 0; from < input.length; from += BLOCK) {
    decoupledBlock(input, out, from, Math.min(input.length, from + BLOCK), k.bits, k.table, k.base, k.last, k.shift, k.scale, 1 - aA, 0.5 * aR, state)
  }
}

/** Samples from .. to − 1 of {@link decoupled}; the state (peak, y) in and out of `state`. */
const decoupledBlock = (
  input: Float32Array,
  out: Float32Array,
  from: number,
  to: number,
  bits: Int32Array,
  table: Float64Array,
  base: number,
  last: number,
  shift: number,
  scale: number,
  cA: number,
  halfR: number,
  state: Float64Array
): void => {
  const pow2 = POW2
  const fractionPow2 = FRACTION_POW2
  let peak = state[0]!
  let y = state[1]!
  for (let i = from; i < to; i++) {
    const b = bits[i]! & 0x7fffffff
    let idx = (b >>> STEP_BITS) - base
    idx &= ~(idx >> 31)
    idx = idx > last ? last : idx
    const lo = table[idx]!
    const r = lo + (b & STEP_MASK) * STEP_SCALE * (table[idx + 1]! - lo)
    const v = peak - r
    peak = r + halfR * (v + Math.abs(v))
    y += cA * (peak - y)
    const u = shift + scale * y
    const k = u | 0
    const j = k & FRAC_MASK
    const f = fractionPow2[j]!
    out[i] = input[i]! * ((f + (u - k) * (fractionPow2[j + 1]! - f)) * pow2[(k >> FRAC_BITS) - POW2_BASE]!)
  }
  state[0] = peak
  state[1] = y
}

export const compressor: EffectDefinition<CompressorParams> = inPlaceEffect<CompressorParams>({
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
  processInto: (input, output, sampleRate, params) => compressInto(input, output, sampleRate, params)
})

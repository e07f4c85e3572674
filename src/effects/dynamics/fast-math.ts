/**
 * exp2 for the per-sample gain of the dynamics processors (dB -> linear gain). Math.exp
 * costs ~15 ns in V8 and would dominate a compressor; this splits 2^t into 2^n · 2^f,
 * both from tables (1024 fractions, linear interpolation): relative error < 6e-8
 * (5e-7 dB), far below what a gain in dB needs. (The level side, log, is folded into
 * LevelTable.)
 */
const MIN_EXP = -1022
const MAX_EXP = 1023
const pow2 = new Float64Array(MAX_EXP - MIN_EXP + 1)
for (let e = MIN_EXP; e <= MAX_EXP; e++) pow2[e - MIN_EXP] = Math.pow(2, e)
const FRAC_BITS = 10
const FRAC = 1 << FRAC_BITS
const fractionPow2 = new Float64Array(FRAC + 1)
for (let j = 0; j <= FRAC; j++) fractionPow2[j] = Math.pow(2, j / FRAC)
/** Shift making t + OFFSET positive, so truncation (`| 0`) is a floor. */
const OFFSET = 1100

/**
 * The tables of {@link exp2}, for sample loops that inline it (the compressor's) instead
 * of calling it: 2^t = (f[j] + (u − i)·(f[j + 1] − f[j]))·p[(i >> fracBits) − pow2Base]
 * with u = (t + offset)·2^fracBits, i = u | 0, j = i & (2^fracBits − 1). Valid without
 * clamping for t in [−1022, 1023).
 */
export const exp2Tables = {
  /** 2^e for e = −1022..1023, at index e − MIN_EXP. */
  pow2,
  /** 2^(j / 2^fracBits), j = 0..2^fracBits. */
  fractionPow2,
  fracBits: FRAC_BITS,
  offset: OFFSET,
  /** offset + MIN_EXP: subtract from (i >> fracBits) to index pow2. */
  pow2Base: OFFSET + MIN_EXP
} as const

/** 2^t for t in [-1022, 1023) (clamped). */
export const exp2 = (t: number): number => {
  if (t < MIN_EXP) t = MIN_EXP
  else if (t > MAX_EXP - 1) t = MAX_EXP - 1
  const u = (t + OFFSET) * FRAC
  const i = u | 0
  const j = i & (FRAC - 1)
  const lo = fractionPow2[j]!
  return (lo + (u - i) * (fractionPow2[j + 1]! - lo)) * pow2[(i >> FRAC_BITS) - OFFSET - MIN_EXP]!
}

/** Octaves of amplitude per dB: gain = exp2(dB · LOG2_PER_DB). */
export const LOG2_PER_DB = 1 / (20 * Math.log10(2))

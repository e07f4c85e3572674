/**
 * log2 and exp2 for the per-sample gain paths of the dynamics processors. Math.log and
 * Math.exp cost ~15 ns each in V8 and would dominate a compressor; these use a table and
 * a short polynomial and stay far more accurate than a level in dB needs:
 *  - `float32BitsLog2` reads log2 of a float32 straight from its bit pattern (the input
 *    buffer viewed as Int32Array, so nothing is stored and re-read): exponent plus a
 *    4096-entry mantissa table with linear interpolation, error < 2e-8 (1e-7 dB);
 *  - `exp2` splits 2^t into 2^n · 2^f, both from tables (1024 fractions, linear
 *    interpolation): relative error < 6e-8 (5e-7 dB).
 */
const MANTISSA_BITS = 12
const mantissaLog2 = new Float64Array((1 << MANTISSA_BITS) + 1)
for (let i = 0; i <= 1 << MANTISSA_BITS; i++) mantissaLog2[i] = Math.log2(1 + i / (1 << MANTISSA_BITS))

const LOW_BITS = 23 - MANTISSA_BITS
const LOW_SCALE = 1 / (1 << LOW_BITS)
const LOW_MASK = (1 << LOW_BITS) - 1

/** log2 of the float32 whose (sign-cleared) bit pattern is `bits`; `bits` must be a normal number (>= 0x00800000). */
export const float32BitsLog2 = (bits: number): number => {
  const mantissa = bits & 0x7fffff
  const idx = mantissa >>> LOW_BITS
  const lo = mantissaLog2[idx]!
  return (bits >>> 23) - 127 + lo + (mantissa & LOW_MASK) * LOW_SCALE * (mantissaLog2[idx + 1]! - lo)
}

/** Bit pattern of a positive float32 value, for comparisons against `float32BitsLog2` inputs. */
export const float32Bits = (x: number): number => new Int32Array(new Float32Array([x]).buffer)[0]!

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

/** dB per octave of amplitude (20 log10 2), and its inverse: dB = DB_PER_LOG2 · log2|x|, gain = exp2(dB · LOG2_PER_DB). */
export const DB_PER_LOG2 = 20 * Math.log10(2)
export const LOG2_PER_DB = 1 / DB_PER_LOG2

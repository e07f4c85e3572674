/**
 * Static curves of the dynamics processors, in dB (Giannoulis, Massberg & Reiss 2012).
 * Both return the gain *reduction* in dB (>= 0) for an input level `x` in dB, so the
 * detectors smooth one positive quantity and the output gain is 10^(-reduction / 20).
 */

/**
 * Downward compression above `threshold` with a quadratic soft knee of width `knee`
 * centred on the threshold (eq. 4 of the paper):
 *   2(x - T) < -W        : y = x
 *   2|x - T| <= W        : y = x + (1/R - 1)(x - T + W/2)^2 / (2W)
 *   2(x - T) > W         : y = T + (x - T) / R
 * returns x - y.
 */
export const compressionReductionDb = (x: number, threshold: number, ratio: number, knee: number): number => {
  const over = x - threshold
  if (2 * over <= -knee) return 0
  if (2 * over < knee) {
    const k = over + knee / 2
    return (1 - 1 / ratio) * (k * k) / (2 * knee)
  }
  return over * (1 - 1 / ratio)
}

/**
 * The same curve without data-dependent branches, for per-sample loops on noisy material
 * (mispredicted branches cost more than the arithmetic): with k = clamp(over + W/2, 0, W),
 * reduction = (1 - 1/R) · (k² / 2W + max(0, over - W/2)).
 */
export class CompressionCurve {
  private readonly slope: number
  private readonly halfKnee: number
  private readonly knee: number
  private readonly inverseTwoKnee: number
  constructor(
    private readonly threshold: number,
    ratio: number,
    knee: number
  ) {
    this.slope = 1 - 1 / ratio
    this.knee = knee
    this.halfKnee = knee / 2
    this.inverseTwoKnee = knee > 0 ? 1 / (2 * knee) : 0
  }

  reductionDb(x: number): number {
    const over = x - this.threshold
    const k = Math.min(Math.max(over + this.halfKnee, 0), this.knee)
    return this.slope * (k * k * this.inverseTwoKnee + Math.max(over - this.halfKnee, 0))
  }
}

/**
 * Downward expansion below `threshold` (a gate when `ratio` is large): y = T + R (x - T)
 * for x < T, capped at `range` dB of reduction.
 */
export const expansionReductionDb = (x: number, threshold: number, ratio: number, range: number): number => {
  const under = threshold - x
  if (under <= 0) return 0
  const r = under * (ratio - 1)
  return r < range ? r : range
}

/** 20 log10(|x|) with a floor, and its inverse; ln-based for speed. */
export const DB_PER_NEPER = 20 / Math.LN10
export const NEPER_PER_DB = Math.LN10 / 20
export const dbToGain = (db: number): number => Math.exp(db * NEPER_PER_DB)
export const gainToDb = (gain: number): number => DB_PER_NEPER * Math.log(gain)

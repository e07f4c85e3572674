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
 * Downward expansion below `threshold` (a gate when `ratio` is large): y = T + R (x - T)
 * for x < T, capped at `range` dB of reduction.
 */
export const expansionReductionDb = (x: number, threshold: number, ratio: number, range: number): number => {
  const under = threshold - x
  if (under <= 0) return 0
  const r = under * (ratio - 1)
  return r < range ? r : range
}


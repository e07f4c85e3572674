import { fftPlan, nextPow2 } from "./fft.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Cross-correlation r[lag] = Σ_n a[n]·b[n + lag] for lag in [-maxLag, maxLag], by FFT
 * in blocks (overlap-save style): memory stays O(block + maxLag) however long the
 * signals are, time O(n log block). Returned array index j holds lag j - maxLag.
 */
export const crossCorrelate = (a: Float32Array, b: Float32Array, maxLag: number): Float64Array => {
  if (!Number.isInteger(maxLag) || maxLag < 0) throw new ParameterError({ parameter: "maxLag", message: `maxLag must be a non-negative integer, got ${maxLag}` })
  const span = 2 * maxLag + 1
  const result = new Float64Array(span)
  const size = Math.max(4096, nextPow2(4 * span))
  const block = size - 2 * maxLag // a-samples per block; b segment = block + 2·maxLag fits without wrap
  const plan = fftPlan(size)
  const frameA = new Float64Array(size)
  const frameB = new Float64Array(size)
  const specA = new Float64Array(2 * size)
  const specB = new Float64Array(2 * size)
  const product = new Float64Array(2 * size)
  const out = new Float64Array(2 * size)
  for (let start = 0; start < a.length; start += block) {
    frameA.fill(0)
    frameB.fill(0)
    const aEnd = Math.min(a.length, start + block)
    let any = false
    for (let i = start; i < aEnd; i++) {
      frameA[i - start] = a[i]!
      if (a[i] !== 0) any = true
    }
    if (!any) continue
    // b segment starts at start - maxLag (zero outside b)
    for (let j = 0; j < block + 2 * maxLag; j++) {
      const i = start - maxLag + j
      if (i >= 0 && i < b.length) frameB[j] = b[i]!
    }
    plan.realTransform(specA, frameA as unknown as number[])
    plan.completeSpectrum(specA)
    plan.realTransform(specB, frameB as unknown as number[])
    plan.completeSpectrum(specB)
    // conj(A)·B → c[j] = Σ_m frameA[m]·frameB[m + j]
    for (let k = 0; k < 2 * size; k += 2) {
      const ar = specA[k]!
      const ai = specA[k + 1]!
      const br = specB[k]!
      const bi = specB[k + 1]!
      product[k] = ar * br + ai * bi
      product[k + 1] = ar * bi - ai * br
    }
    plan.inverseTransform(out, product as unknown as number[])
    for (let j = 0; j < span; j++) result[j]! += out[2 * j]!
  }
  return result
}

export interface LagEstimate {
  /** Samples by which `b` lags `a`: b[n] ≈ a[n - lag]. Positive: b is late. */
  readonly lag: number
  /** Normalised correlation at that lag, in [-1, 1]: r / sqrt(Σa²·Σb²). */
  readonly correlation: number
  /** Peaks passed over because their lag is a period of `a` (see {@link LagOptions.periodicity}), in the order found. */
  readonly rejected: ReadonlyArray<{ readonly lag: number; readonly correlation: number; readonly autocorrelation: number }>
}

/** How {@link estimateLag} chooses among peaks. Both default to the plain largest-peak rule. */
export interface LagOptions {
  /**
   * Tie tolerance, relative (default 0): every local peak of |r| within `tolerance` of the
   * largest (|r| ≥ (1 − tolerance)·max |r|) is a near-tie, and the one with the smallest
   * |lag| wins. A periodic signal correlates almost as well one period away as at its true
   * lag, so without a tolerance noise decides between them.
   */
  readonly tolerance?: number
  /**
   * Periodicity check (default 0: off): a chosen lag L ≠ 0 at which `a`'s own normalised
   * autocorrelation ρ(L) is at least this, after dipping at least 0.25 below ρ(L) between 0
   * and L, is a period (or several) of `a`: the pair's lag cannot be told apart from
   * L − period there, so L is rejected and the peaks are searched again within |lag| < |L|/2.
   * The main lobe of a low-pass signal (ρ falling smoothly from 1) is not a period.
   */
  readonly periodicity?: number
}

/** The winning peak of |r| (index into r) among indices with |lag| ≤ within: smallest |lag| among near-ties of the largest local peak. */
const pickPeak = (r: Float64Array, maxLag: number, within: number, tolerance: number): number => {
  const lo = maxLag - within
  const hi = maxLag + within
  let top = 0
  for (let j = lo; j <= hi; j++) top = Math.max(top, Math.abs(r[j]!))
  const floor = (1 - tolerance) * top
  let best = maxLag
  let bestAbs = -1
  for (let j = lo; j <= hi; j++) {
    const v = Math.abs(r[j]!)
    if (v < floor) continue
    // a local peak within the searched range (the range's ends count against their one neighbour)
    if ((j > lo && Math.abs(r[j - 1]!) > v) || (j < hi && Math.abs(r[j + 1]!) > v)) continue
    const d = Math.abs(j - maxLag)
    if (bestAbs < 0 || d < Math.abs(best - maxLag) || (d === Math.abs(best - maxLag) && v > bestAbs)) {
      best = j
      bestAbs = v
    }
  }
  return best
}

/**
 * The lag of the cross-correlation peak (largest |r|, so a polarity flip still aligns)
 * within ±maxLag. Ties go to the smaller |lag| (a flat correlation reports 0); `options`
 * widens the ties (`tolerance`) and rejects lags that are a period of `a` (`periodicity`).
 *
 * @example
 *   estimateLag(dry, wet, 4096, { tolerance: 0.01, periodicity: 0.5 }) // { lag: 0, correlation: 0.824, rejected: [] }
 */
export const estimateLag = (a: Float32Array, b: Float32Array, maxLag: number, options: LagOptions = {}): LagEstimate => {
  const tolerance = options.tolerance ?? 0
  const periodicity = options.periodicity ?? 0
  if (!(tolerance >= 0 && tolerance < 1)) throw ParameterError.of("tolerance", `must be in [0, 1) (got ${tolerance})`)
  if (!(periodicity >= 0 && periodicity <= 1)) throw ParameterError.of("periodicity", `must be in [0, 1] (got ${periodicity})`)
  const r = crossCorrelate(a, b, maxLag)
  let ea = 0
  let eb = 0
  for (let i = 0; i < a.length; i++) ea += a[i]! * a[i]!
  for (let i = 0; i < b.length; i++) eb += b[i]! * b[i]!
  const denom = Math.sqrt(ea * eb)
  const norm = (j: number) => (denom > 0 ? r[j]! / denom : 0)
  const rejected: Array<{ lag: number; correlation: number; autocorrelation: number }> = []
  let within = maxLag
  let best = pickPeak(r, maxLag, within, tolerance)
  while (periodicity > 0 && best !== maxLag && ea > 0) {
    const L = Math.abs(best - maxLag)
    const auto = crossCorrelate(a, a, L) // index L + k holds lag k
    const rho = auto[2 * L]! / ea
    let dip = Infinity
    for (let k = 1; k < L; k++) dip = Math.min(dip, auto[L + k]! / ea)
    if (!(rho >= periodicity && dip <= rho - 0.25)) break
    rejected.push({ lag: best - maxLag, correlation: norm(best), autocorrelation: rho })
    within = Math.ceil(L / 2) - 1
    best = pickPeak(r, maxLag, within, tolerance)
  }
  return { lag: best - maxLag, correlation: norm(best), rejected }
}

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
}

/** The lag of the cross-correlation peak (largest |r|, so a polarity flip still aligns) within ±maxLag. */
export const estimateLag = (a: Float32Array, b: Float32Array, maxLag: number): LagEstimate => {
  const r = crossCorrelate(a, b, maxLag)
  let best = maxLag
  for (let j = 0; j < r.length; j++) {
    const v = Math.abs(r[j]!)
    const bestV = Math.abs(r[best]!)
    // ties go to the smaller |lag|, so a flat correlation reports 0
    if (v > bestV || (v === bestV && Math.abs(j - maxLag) < Math.abs(best - maxLag))) best = j
  }
  let ea = 0
  let eb = 0
  for (let i = 0; i < a.length; i++) ea += a[i]! * a[i]!
  for (let i = 0; i < b.length; i++) eb += b[i]! * b[i]!
  const denom = Math.sqrt(ea * eb)
  return { lag: best - maxLag, correlation: denom > 0 ? r[best]! / denom : 0 }
}

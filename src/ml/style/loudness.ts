/**
 * Ungated K-weighted loudness, L = −0.691 + 10·log10(mean((K x)²)) in LUFS (BS.1770-4's
 * block formula over the whole clip, without the gates), with its gradient: K is the
 * BS.1770 K-weighting (two biquads, src/features/lufs.ts), a linear filter, so
 * dL/dx = Kᵀ(dL/dy) is the same filter run over the time-reversed gradient. For clips
 * without long silences it equals the gated integrated loudness within a fraction of a LU;
 * evaluation reports the gated value (src/features/lufs.ts).
 */
import { runBiquads } from "../../dsp/biquad.js"
import { kWeightingFilters } from "../../features/lufs.js"

const TEN_OVER_LN10 = 10 / Math.log(10)

/** Loudness (LUFS, ungated) of a mono signal; −Infinity for silence. */
export const ungatedLoudness = (x: Float32Array, sampleRate: number): number => {
  const y = runBiquads(kWeightingFilters(sampleRate), x)
  let s = 0
  for (let i = 0; i < y.length; i++) s += y[i]! * y[i]!
  return -0.691 + 10 * Math.log10(s / y.length)
}

/** The loudness and dL/dx. */
export const ungatedLoudnessWithGradient = (x: Float32Array, sampleRate: number): { value: number; gradient: Float32Array } => {
  const filters = kWeightingFilters(sampleRate)
  const y = runBiquads(filters, x)
  let s = 0
  for (let i = 0; i < y.length; i++) s += y[i]! * y[i]!
  const n = y.length
  const dy = new Float32Array(n)
  // d/dy of 10·log10(Σy²/n) = (10/ln 10)·2y/Σy²
  const k = s > 0 ? (2 * TEN_OVER_LN10) / s : 0
  for (let i = 0; i < n; i++) dy[n - 1 - i] = k * y[i]!
  const back = runBiquads(filters, dy)
  const gradient = new Float32Array(n)
  for (let i = 0; i < n; i++) gradient[i] = back[n - 1 - i]!
  return { value: -0.691 + 10 * Math.log10(s / n), gradient }
}

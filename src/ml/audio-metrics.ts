/**
 * Effect-model metrics on plain typed arrays (no tfjs), with the same definitions as the
 * training losses in src/ml/losses: ESR Σ(y − ŷ)² / (Σy² + ε), optionally after the
 * pre-emphasis 1 − c·z⁻¹ (first sample kept); L1; auraloss's multi-resolution STFT loss
 * (spectral convergence + mean |log Y − log Ŷ|, averaged over resolutions); and the
 * integrated-loudness (BS.1770) difference.
 */
import { forEachStftFrame, stftBinCount, stftFrameCount } from "../dsp/stft.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"
import { integratedLoudness } from "../features/lufs.js"

const EPS = 1e-8

export const esr = (target: Float32Array, prediction: Float32Array, preEmphasis = 0): number => {
  const n = Math.min(target.length, prediction.length)
  let err = 0
  let energy = 0
  let py = 0
  let pp = 0
  for (let i = 0; i < n; i++) {
    const y = target[i]!
    const p = prediction[i]!
    // y[i] − c·y[i−1], with y[−1] = 0 as the loss (which keeps the first sample)
    const fy = y - preEmphasis * py
    const fp = p - preEmphasis * pp
    py = y
    pp = p
    err += (fy - fp) ** 2
    energy += fy * fy
  }
  return err / (energy + EPS)
}

export const l1 = (target: Float32Array, prediction: Float32Array): number => {
  const n = Math.min(target.length, prediction.length)
  let s = 0
  for (let i = 0; i < n; i++) s += Math.abs(target[i]! - prediction[i]!)
  return n > 0 ? s / n : 0
}

export interface MrstftOptions {
  readonly fft_sizes: ReadonlyArray<number>
  readonly hop_sizes: ReadonlyArray<number>
  readonly win_lengths: ReadonlyArray<number>
}

export const DEFAULT_MRSTFT: MrstftOptions = { fft_sizes: [1024, 2048, 512], hop_sizes: [120, 240, 50], win_lengths: [600, 1200, 240] }

/** |STFT| frames of x, as auraloss computes them (torch.stft center=True, reflect padding; periodic Hann of `win` centred in nFft; power floored at 1e-7). */
const magnitudes = (x: Float32Array, nFft: number, hop: number, win: number): Float64Array => {
  const half = nFft / 2
  if (x.length <= half) throw new DataError({ message: `a clip of ${x.length} samples is too short for an STFT of ${nFft} (needs more than ${half})` })
  const bins = stftBinCount(nFft)
  const mag = new Float64Array(stftFrameCount(x.length, { nFft, hop }) * bins)
  forEachStftFrame(x, { nFft, hop, winLength: win, window: "hann", center: true, padMode: "reflect" }, (f, re, im) => {
    const row = f * bins
    for (let k = 0; k < bins; k++) mag[row + k] = Math.sqrt(Math.max(re[k]! * re[k]! + im[k]! * im[k]!, 1e-7))
  })
  return mag
}

export const mrstft = (target: Float32Array, prediction: Float32Array, o: MrstftOptions = DEFAULT_MRSTFT): number => {
  if (o.fft_sizes.length !== o.hop_sizes.length || o.fft_sizes.length !== o.win_lengths.length) {
    throw ParameterError.of("mrstft", `fft_sizes, hop_sizes and win_lengths must have the same length (got ${o.fft_sizes.length}, ${o.hop_sizes.length}, ${o.win_lengths.length})`)
  }
  let total = 0
  o.fft_sizes.forEach((nFft, r) => {
    const y = magnitudes(target, nFft, o.hop_sizes[r]!, o.win_lengths[r]!)
    const x = magnitudes(prediction, nFft, o.hop_sizes[r]!, o.win_lengths[r]!)
    let diff = 0
    let energy = 0
    let logAbs = 0
    for (let i = 0; i < y.length; i++) {
      diff += (y[i]! - x[i]!) ** 2
      energy += y[i]! * y[i]!
      logAbs += Math.abs(Math.log(y[i]!) - Math.log(x[i]!))
    }
    total += Math.sqrt(diff) / Math.sqrt(energy) + logAbs / y.length
  })
  return total / o.fft_sizes.length
}

/** Integrated loudness of the prediction minus that of the target (LU); null when either is silent or too short. */
export const lufsDifference = (target: Float32Array, prediction: Float32Array, sampleRate: number): number | null => {
  const a = integratedLoudness([prediction], sampleRate).integrated
  const b = integratedLoudness([target], sampleRate).integrated
  return Number.isFinite(a) && Number.isFinite(b) ? a - b : null
}

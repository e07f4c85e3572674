/**
 * Effect-model metrics on plain typed arrays (no tfjs), with the same definitions as the
 * training losses in src/ml/losses: ESR Σ(y − ŷ)² / (Σy² + ε), optionally after the
 * pre-emphasis 1 − c·z⁻¹ (first sample kept); L1; auraloss's multi-resolution STFT loss
 * (spectral convergence + mean |log Y − log Ŷ|, averaged over resolutions); and the
 * integrated-loudness (BS.1770) difference. For resynthesis from predicted synth parameters:
 * the log-spectral distance and the MFCC L1 distance.
 */
import { forEachStftFrame, spectrogram, stftBinCount, stftFrameCount } from "../dsp/stft.js"
import { mfcc } from "../features/mfcc.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"
import { integratedLoudness } from "../features/lufs.js"

const EPS = 1e-8

/**
 * The two sums of an ESR over the common length of target and prediction, after the
 * pre-emphasis 1 − c·z⁻¹ (c = `preEmphasis`, 0 = none): `error` = Σ(y − ŷ)², `energy` = Σy².
 * Clips pool by adding their sums: pooled ESR = Σ error / Σ energy.
 */
export const esrSums = (target: Float32Array, prediction: Float32Array, preEmphasis = 0): { readonly error: number; readonly energy: number } => {
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
  return { error: err, energy }
}

/** ESR of one clip: Σ(y − ŷ)² / (Σy² + 1e-8) after the pre-emphasis 1 − c·z⁻¹ (c = `preEmphasis`, 0 = none). */
export const esr = (target: Float32Array, prediction: Float32Array, preEmphasis = 0): number => {
  const { error, energy } = esrSums(target, prediction, preEmphasis)
  return error / (energy + EPS)
}

/** Pooled ESR of several clips' {@link esrSums}: Σ error / (Σ energy + 1e-8), NAM's and the papers' figure. */
export const pooledEsr = (sums: ReadonlyArray<{ readonly error: number; readonly energy: number }>): number => {
  let error = 0
  let energy = 0
  for (const s of sums) {
    error += s.error
    energy += s.energy
  }
  return error / (energy + EPS)
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

/** Power floor of the log-spectral distance (librosa's amin for power_to_db). */
const LSD_AMIN = 1e-10

/**
 * Log-spectral distance in dB between two signals: per STFT frame (Hann, centred with zero
 * padding, `nFft` 2048 / `hop` 512 by default)
 * sqrt(mean over bins of (10·log10 max(P_a, amin) − 10·log10 max(P_b, amin))²), averaged over
 * the frames both signals have.
 */
export const logSpectralDistance = (a: Float32Array, b: Float32Array, o: { readonly nFft?: number; readonly hop?: number } = {}): number => {
  const opts = { nFft: o.nFft ?? 2048, hop: o.hop ?? 512, window: "hann" as const, center: true }
  const sa = spectrogram(a, opts)
  const sb = spectrogram(b, opts)
  const frames = Math.min(sa.frames, sb.frames)
  if (frames === 0) return NaN
  let total = 0
  for (let t = 0; t < frames; t++) {
    let s = 0
    for (let k = 0; k < sa.bins; k++) {
      const d = 10 * Math.log10(Math.max(sa.data[k * sa.frames + t]!, LSD_AMIN)) - 10 * Math.log10(Math.max(sb.data[k * sb.frames + t]!, LSD_AMIN))
      s += d * d
    }
    total += Math.sqrt(s / sa.bins)
  }
  return total / frames
}

/**
 * Mean absolute difference of the MFCCs (librosa.feature.mfcc defaults: 20 coefficients of
 * the dB mel spectrogram, 128 bands, n_fft 2048, hop 512) over the frames both have.
 */
export const mfccL1 = (a: Float32Array, b: Float32Array, sampleRate: number): number => {
  const ma = mfcc(a, sampleRate)
  const mb = mfcc(b, sampleRate)
  const frames = Math.min(ma.frames, mb.frames)
  if (frames === 0) return NaN
  let s = 0
  for (let d = 0; d < ma.dims; d++) for (let t = 0; t < frames; t++) s += Math.abs(ma.data[d * ma.frames + t]! - mb.data[d * mb.frames + t]!)
  return s / (ma.dims * frames)
}

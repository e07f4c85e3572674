import { melSpectrogram } from "../features/mel.js"
import { colorbarDataUri, heatmapDataUri } from "./image.js"

/**
 * Log-mel spectrogram images (our features/mel on dsp/stft) for the report pages. Several
 * signals are drawn on ONE colour scale — the loudest band of all of them is the top of the
 * scale, `rangeDb` below it the bottom — so target, prediction and the error compare by eye.
 */

/** Analysis settings of the report's spectrograms. */
export interface SpectrogramOptions {
  /** FFT size in samples (default 1024). */
  readonly nFft: number
  /** Hop in samples (default 256). */
  readonly hop: number
  /** Mel bands (default 80). */
  readonly nMels: number
  /** Dynamic range shown, in dB below the loudest value (default 80). */
  readonly rangeDb: number
}

/** Defaults: 1024-point FFT, hop 256, 80 mel bands, 80 dB range. */
export const SPECTROGRAM_DEFAULTS: SpectrogramOptions = { nFft: 1024, hop: 256, nMels: 80, rangeDb: 80 }

/** Spectrogram images on one colour scale, with that scale's range. */
export interface SharedSpectrograms {
  /** One PNG data URI per input signal, low frequencies at the bottom. */
  readonly images: ReadonlyArray<string>
  /** Bottom and top of the shared scale, dB (power, re full scale 1). */
  readonly lowDb: number
  readonly highDb: number
  /** Frequency axis: mel bands from 0 Hz to this (Nyquist). */
  readonly maxHz: number
  /** Duration of the longest signal, seconds. */
  readonly seconds: number
  /** The colour bar of the shared scale (a PNG data URI, low on the left). */
  readonly colorbar: string
}

const AMIN = 1e-10

/** Power in dB: 10·log10(max(1e-10, S)) in place, as librosa.power_to_db with ref 1 and no floor. */
const toDb = (s: Float32Array): Float32Array => {
  for (let i = 0; i < s.length; i++) s[i] = 10 * Math.log10(Math.max(AMIN, s[i]!))
  return s
}

/**
 * Log-mel images of `signals` (mono, same rate) on one colour scale.
 * Throws on an empty list or a non-positive sample rate.
 */
export const sharedSpectrograms = (
  signals: ReadonlyArray<Float32Array>,
  sampleRate: number,
  options: Partial<SpectrogramOptions> = {}
): SharedSpectrograms => {
  if (signals.length === 0) throw new Error("sharedSpectrograms: no signals")
  if (!(sampleRate > 0)) throw new Error(`sharedSpectrograms: sample rate ${sampleRate} must be > 0`)
  const o = { ...SPECTROGRAM_DEFAULTS, ...options }
  const mels = signals.map((y) => {
    // a clip shorter than one FFT is padded (center = true), so it still gives frames
    const m = melSpectrogram(y, sampleRate, { nFft: o.nFft, hop: o.hop, nMels: o.nMels, fmin: 0, fmax: sampleRate / 2 })
    return { data: toDb(m.data), dims: m.dims, frames: m.frames }
  })
  let highDb = -Infinity
  for (const m of mels) for (let i = 0; i < m.data.length; i++) if (m.data[i]! > highDb) highDb = m.data[i]!
  if (!Number.isFinite(highDb)) highDb = 0
  const lowDb = highDb - o.rangeDb
  return {
    images: mels.map((m) => heatmapDataUri(m.data, m.dims, m.frames, lowDb, highDb)),
    lowDb,
    highDb,
    maxHz: sampleRate / 2,
    seconds: Math.max(...signals.map((y) => y.length)) / sampleRate,
    colorbar: colorbarDataUri()
  }
}

/**
 * A log-mel thumbnail of one signal on its own scale (top = its loudest band): small settings
 * (hop 512, 48 bands) for galleries.
 */
export const spectrogramThumbnail = (y: Float32Array, sampleRate: number): string =>
  sharedSpectrograms([y], sampleRate, { nFft: 1024, hop: 512, nMels: 48, rangeDb: 80 }).images[0]!

/**
 * A stored feature matrix (dims × frames, row-major, e.g. a log-mel .npy in dB) as an image
 * on its own range: top = its largest value, bottom = `rangeDb` below (default 80).
 */
export const matrixImage = (data: Float32Array, dims: number, frames: number, rangeDb = 80): string => {
  let hi = -Infinity
  let lo = Infinity
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (!Number.isFinite(v)) continue
    if (v > hi) hi = v
    if (v < lo) lo = v
  }
  if (!Number.isFinite(hi)) hi = lo = 0
  return heatmapDataUri(data, dims, frames, Math.max(lo, hi - rangeDb), hi)
}

import { forEachPowerFrame, stftBinCount, stftFrameCount, type StftOptions } from "../dsp/stft.js"
import type { WindowName } from "../dsp/window.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Mel spectrogram equal to librosa.feature.melspectrogram (librosa >= 0.10): the STFT of
 * ../dsp/stft.ts raised to `power`, projected on librosa.filters.mel triangles (Slaney's
 * mel scale and area normalisation by default, or HTK's scale and no normalisation).
 */
export type MelScale = "slaney" | "htk"
export type MelNorm = "slaney" | "none"

// Slaney's Auditory Toolbox scale: linear below 1 kHz (200/3 Hz per mel), log above.
const F_SP = 200 / 3
const MIN_LOG_HZ = 1000
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP
const LOG_STEP = Math.log(6.4) / 27

export const hzToMel = (hz: number, scale: MelScale = "slaney"): number => {
  if (scale === "htk") return 2595 * Math.log10(1 + hz / 700)
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP
}

export const melToHz = (mel: number, scale: MelScale = "slaney"): number => {
  if (scale === "htk") return 700 * (Math.pow(10, mel / 2595) - 1)
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel
}

/** `count` frequencies evenly spaced on the mel scale from fmin to fmax (librosa.mel_frequencies). */
export const melFrequencies = (count: number, fmin: number, fmax: number, scale: MelScale = "slaney"): Float64Array => {
  const lo = hzToMel(fmin, scale)
  const hi = hzToMel(fmax, scale)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = melToHz(count === 1 ? lo : lo + ((hi - lo) * i) / (count - 1), scale)
  return out
}

export interface MelFilterbankOptions {
  readonly sampleRate: number
  readonly nFft: number
  readonly nMels: number
  readonly fmin: number
  /** Defaults to sampleRate / 2. */
  readonly fmax?: number | undefined
  readonly scale: MelScale
  readonly norm: MelNorm
}

/**
 * The filterbank stored sparsely: filter m is `weights[m]` applied to FFT bins
 * start[m] .. start[m] + weights[m].length - 1 (the rest of its row is zero).
 */
export interface MelFilterbank {
  readonly nMels: number
  readonly bins: number
  readonly start: Int32Array
  readonly weights: ReadonlyArray<Float64Array>
}

export const melFilterbank = (o: MelFilterbankOptions): MelFilterbank => {
  const fmax = o.fmax ?? o.sampleRate / 2
  if (!(o.fmin >= 0) || !(fmax > o.fmin)) throw new ParameterError({ parameter: "mel", message: `mel: need 0 <= fmin < fmax, got fmin=${o.fmin}, fmax=${fmax}` })
  if (fmax > o.sampleRate / 2 + 1e-9) throw new ParameterError({ parameter: "mel", message: `mel: fmax=${fmax} Hz is above the Nyquist frequency ${o.sampleRate / 2} Hz` })
  const bins = stftBinCount(o.nFft)
  const melF = melFrequencies(o.nMels + 2, o.fmin, fmax, o.scale)
  const start = new Int32Array(o.nMels)
  const weights: Float64Array[] = []
  for (let m = 0; m < o.nMels; m++) {
    const lower = melF[m]!
    const centre = melF[m + 1]!
    const upper = melF[m + 2]!
    const enorm = o.norm === "slaney" ? 2 / (upper - lower) : 1
    const row: number[] = []
    let first = -1
    for (let k = 0; k < bins; k++) {
      const f = (k * o.sampleRate) / o.nFft
      // the same expression as librosa: max(0, min(rising ramp, falling ramp))
      const w = Math.max(0, Math.min((f - lower) / (centre - lower), (upper - f) / (upper - centre)))
      if (w > 0) {
        if (first < 0) first = k
        // keep interior zeros (cannot happen for a triangle, but stay exact)
        while (first + row.length < k) row.push(0)
        row.push(w * enorm)
      }
    }
    start[m] = first < 0 ? 0 : first
    weights.push(Float64Array.from(row))
  }
  return { nMels: o.nMels, bins, start, weights }
}

/** The filterbank as a dense [nMels][bins] row-major matrix (librosa.filters.mel's layout), for matrix products such as the mel-STFT loss. */
export const denseMelMatrix = (fb: MelFilterbank): Float32Array => {
  const out = new Float32Array(fb.nMels * fb.bins)
  for (let m = 0; m < fb.nMels; m++) out.set(fb.weights[m]!, m * fb.bins + fb.start[m]!)
  return out
}

export interface MelOptions {
  readonly nFft: number
  readonly hop: number
  readonly winLength?: number | undefined
  readonly window?: WindowName | undefined
  readonly center?: boolean | undefined
  readonly nMels: number
  readonly fmin: number
  readonly fmax?: number | undefined
  readonly scale: MelScale
  readonly norm: MelNorm
  /** Exponent of the magnitude: 2 for power (default), 1 for magnitude. */
  readonly power: number
  /** Return power_to_db(S, ref=1, amin=1e-10, top_db=80) instead of S. */
  readonly log: boolean
}

export const MEL_DEFAULTS: MelOptions = {
  nFft: 2048,
  hop: 512,
  nMels: 128,
  fmin: 0,
  scale: "slaney",
  norm: "slaney",
  power: 2,
  log: false
}

/** A dims × frames feature matrix, row-major: data[d * frames + t] (librosa's layout). */
export interface FeatureMatrix {
  readonly data: Float32Array
  readonly dims: number
  readonly frames: number
}

const stftOptions = (o: MelOptions): StftOptions => ({
  nFft: o.nFft,
  hop: o.hop,
  ...(o.winLength !== undefined ? { winLength: o.winLength } : {}),
  ...(o.window !== undefined ? { window: o.window } : {}),
  ...(o.center !== undefined ? { center: o.center } : {})
})

/** Mel spectrogram, n_mels × frames (log = false: linear power, as librosa returns it). */
export const melSpectrogram = (y: Float32Array, sampleRate: number, options: Partial<MelOptions> = {}): FeatureMatrix => {
  const o: MelOptions = { ...MEL_DEFAULTS, ...options }
  const bank = melFilterbank({ sampleRate, nFft: o.nFft, nMels: o.nMels, fmin: o.fmin, fmax: o.fmax, scale: o.scale, norm: o.norm })
  const sopts = stftOptions(o)
  const frames = stftFrameCount(y.length, sopts)
  const bins = bank.bins
  const data = new Float32Array(o.nMels * frames)
  const mag = new Float64Array(bins)
  const power = o.power
  const nMels = o.nMels
  // The triangles as one flat array: filter m covers bins start[m] .. start[m] + len[m] - 1.
  const lens = Int32Array.from(bank.weights, (w) => w.length)
  const flat = new Float64Array(lens.reduce((a, b) => a + b, 0))
  {
    let o2 = 0
    for (const w of bank.weights) {
      flat.set(w, o2)
      o2 += w.length
    }
  }
  const start = bank.start
  forEachPowerFrame(y, sopts, (t, p) => {
    let spec = p
    if (power !== 2) {
      if (power === 1) for (let k = 0; k < bins; k++) mag[k] = Math.sqrt(p[k]!)
      else for (let k = 0; k < bins; k++) mag[k] = Math.pow(p[k]!, power / 2)
      spec = mag
    }
    // Four partial sums per filter: one running sum would wait on the adder's latency at
    // every bin (the filters cover ~2 bins each on average: n_fft/2 MACs twice per frame).
    let w = 0
    for (let m = 0; m < nMels; m++) {
      const k = start[m]! - w
      const end = w + lens[m]!
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0
      for (; w + 3 < end; w += 4) {
        a0 += flat[w]! * spec[k + w]!
        a1 += flat[w + 1]! * spec[k + w + 1]!
        a2 += flat[w + 2]! * spec[k + w + 2]!
        a3 += flat[w + 3]! * spec[k + w + 3]!
      }
      for (; w < end; w++) a0 += flat[w]! * spec[k + w]!
      data[m * frames + t] = a0 + a1 + (a2 + a3)
    }
  })
  const out = { data, dims: o.nMels, frames }
  if (o.log) powerToDbInPlace(out.data)
  return out
}

/**
 * librosa.power_to_db in place: 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), then
 * floored at (max - top_db) over the whole array. top_db = null disables the floor.
 */
export const powerToDbInPlace = (s: Float32Array, ref = 1, amin = 1e-10, topDb: number | null = 80): Float32Array => {
  const refDb = 10 * Math.log10(Math.max(amin, ref))
  // 10·log10(x) as (10/ln 10)·ln(x): the same to an ulp, and Math.log is ~2× faster in V8
  const k = 10 / Math.LN10
  let max = -Infinity
  for (let i = 0; i < s.length; i++) {
    const v = k * Math.log(Math.max(amin, s[i]!)) - refDb
    s[i] = v
    if (v > max) max = v
  }
  if (topDb !== null) {
    const floor = max - topDb
    for (let i = 0; i < s.length; i++) if (s[i]! < floor) s[i] = floor
  }
  return s
}


import { nextPow2, realFftPlan } from "../dsp/fft.js"

/**
 * YIN (de Cheveigné & Kawahara 2002) as librosa.yin frames and computes it: frames of
 * `frameLength` samples centred on t*hop (zero padding), the difference function over a
 * `winLength` window by FFT cross-correlation (not the O(N^2) loop), the cumulative-mean-
 * normalised difference (CMND) for lags min_period..max_period, the first trough below
 * the absolute threshold (else the global minimum) and parabolic interpolation.
 *
 * Unvoiced frames: f0 = 0 Hz (never NaN, so feature files stay finite), voiced = 0.
 * YIN's own voicing decision is "a trough below the threshold exists"; its voiced_prob is
 * 1 - CMND at the chosen lag, clamped to [0, 1] (0 for silent frames).
 */
export interface F0Options {
  readonly fmin: number
  readonly fmax: number
  readonly frameLength: number
  /** Autocorrelation window; default frameLength / 2 (librosa). */
  readonly winLength?: number | undefined
  /** Default frameLength / 4 (librosa). */
  readonly hop?: number | undefined
  readonly center?: boolean | undefined
}

export interface YinOptions extends F0Options {
  /** Absolute CMND threshold (librosa's trough_threshold). */
  readonly threshold: number
}

export interface F0Track {
  /** Hz per frame; 0 where unvoiced. */
  readonly f0: Float32Array
  /** 1 voiced, 0 unvoiced. */
  readonly voiced: Uint8Array
  readonly voicedProb: Float32Array
  readonly frames: number
  readonly hop: number
}

export interface YinGeometry {
  readonly frameLength: number
  readonly winLength: number
  readonly hop: number
  readonly minPeriod: number
  readonly maxPeriod: number
  readonly frames: number
  readonly center: boolean
}

export const yinGeometry = (length: number, sampleRate: number, o: F0Options): YinGeometry => {
  const frameLength = o.frameLength
  const winLength = o.winLength ?? Math.floor(frameLength / 2)
  const hop = o.hop ?? Math.floor(frameLength / 4)
  if (!Number.isInteger(frameLength) || frameLength < 8) throw new Error(`f0: frame_length must be an integer >= 8, got ${frameLength}`)
  if (!Number.isInteger(winLength) || winLength < 1 || winLength >= frameLength)
    throw new Error(`f0: win_length must be an integer in [1, frame_length), got ${winLength}`)
  if (!Number.isInteger(hop) || hop < 1) throw new Error(`f0: hop must be a positive integer, got ${hop}`)
  if (!(o.fmin > 0) || !(o.fmax > o.fmin)) throw new Error(`f0: need 0 < fmin < fmax, got fmin=${o.fmin}, fmax=${o.fmax}`)
  if (o.fmax > sampleRate / 2) throw new Error(`f0: fmax=${o.fmax} Hz is above the Nyquist frequency ${sampleRate / 2} Hz`)
  const minPeriod = Math.max(Math.floor(sampleRate / o.fmax), 1)
  const longest = Math.ceil(sampleRate / o.fmin)
  // librosa silently caps the lag range here (so fmin is never reached); say so instead
  if (longest > frameLength - winLength - 1)
    throw new Error(
      `f0: frame_length=${frameLength} is too short for fmin=${o.fmin} Hz at ${sampleRate} Hz: periods up to ${longest} samples need frame_length - win_length > ${longest} (raise frame_length or fmin)`
    )
  const maxPeriod = longest
  if (maxPeriod - minPeriod < 2) throw new Error(`f0: fmin=${o.fmin} Hz and fmax=${o.fmax} Hz are too close at ${sampleRate} Hz`)
  const center = o.center !== false
  const padded = center ? length + 2 * Math.floor(frameLength / 2) : length
  const frames = padded < frameLength ? 0 : 1 + Math.floor((padded - frameLength) / hop)
  return { frameLength, winLength, hop, minPeriod, maxPeriod, frames, center }
}

/**
 * Computes the CMND of one frame after another, reusing its buffers. `cmnd[i]` is the
 * value at lag min_period + i; `shift[i]` the parabolic-interpolation offset there.
 */
export class CmndFrames {
  readonly lags: number
  readonly cmnd: Float64Array
  readonly shift: Float64Array
  /** Energy of the autocorrelation window of the last frame (0: silent). */
  energy = 0
  private readonly size: number
  private readonly frame: Float64Array
  private readonly segment: Float64Array
  private readonly aRe: Float64Array
  private readonly aIm: Float64Array
  private readonly bRe: Float64Array
  private readonly bIm: Float64Array
  private readonly corr: Float64Array
  private readonly diff: Float64Array
  private readonly cumEnergy: Float64Array

  constructor(
    private readonly y: Float32Array,
    readonly geometry: YinGeometry
  ) {
    const g = geometry
    this.size = nextPow2(g.frameLength)
    this.lags = g.maxPeriod - g.minPeriod + 1
    this.cmnd = new Float64Array(this.lags)
    this.shift = new Float64Array(this.lags)
    this.frame = new Float64Array(this.size)
    this.segment = new Float64Array(this.size)
    const bins = (this.size >> 1) + 1
    this.aRe = new Float64Array(bins)
    this.aIm = new Float64Array(bins)
    this.bRe = new Float64Array(bins)
    this.bIm = new Float64Array(bins)
    this.corr = new Float64Array(this.size)
    this.diff = new Float64Array(g.maxPeriod + 1)
    this.cumEnergy = new Float64Array(g.frameLength)
  }

  /** Fill cmnd and shift for frame t. */
  compute(t: number): void {
    const g = this.geometry
    const { frameLength: L, winLength: W, minPeriod, maxPeriod } = g
    const N = this.size
    const y = this.y
    const frame = this.frame
    // The difference function reads x[1..W] against x[1+tau..W+tau]: centre that window
    // (not the whole frame, as librosa does) on t*hop so the estimate belongs to the frame
    // time and lines up with the mel frames; librosa's lead by (L - W)/2 samples would cost
    // ~20 cents on a 5 Hz vibrato.
    const start = t * g.hop - (g.center ? Math.floor(W / 2) + 1 : 0)
    for (let i = 0; i < L; i++) {
      const j = start + i
      frame[i] = j >= 0 && j < y.length ? y[j]! : 0
    }
    // segment = frame[1..W] reversed at the start: its convolution with the frame is the
    // cross-correlation acf[tau] = sum_{j=1..W} x[j] x[j+tau] (librosa's alignment).
    const seg = this.segment
    seg.fill(0)
    for (let k = 0; k < W; k++) seg[k] = frame[W - k]!
    const plan = realFftPlan(N)
    const { aRe, aIm, bRe, bIm } = this
    plan.forward(frame, aRe, aIm)
    plan.forward(seg, bRe, bIm)
    const half = N >> 1
    for (let k = 0; k <= half; k++) {
      const ar = aRe[k]!
      const ai = aIm[k]!
      const br = bRe[k]!
      const bi = bIm[k]!
      aRe[k] = ar * br - ai * bi
      aIm[k] = ar * bi + ai * br
    }
    plan.inverse(aRe, aIm, this.corr)
    const corr = this.corr
    const cum = this.cumEnergy
    let acc = 0
    for (let i = 0; i < L; i++) {
      acc += frame[i]! * frame[i]!
      cum[i] = acc
    }
    const diff = this.diff
    let e0 = cum[W]! - cum[0]!
    if (Math.abs(e0) < 1e-6) e0 = 0
    this.energy = e0
    for (let tau = 0; tau <= maxPeriod; tau++) {
      let r = corr[W + tau]!
      if (Math.abs(r) < 1e-6) r = 0
      let e = cum[tau + W]! - cum[tau]!
      if (Math.abs(e) < 1e-6) e = 0
      diff[tau] = e0 + e - 2 * r
    }
    // cumulative mean normalisation over lags 1..tau
    const cmnd = this.cmnd
    let running = 0
    for (let tau = 1; tau <= maxPeriod; tau++) {
      running += diff[tau]!
      if (tau >= minPeriod) cmnd[tau - minPeriod] = diff[tau]! / (running / tau + Number.MIN_VALUE)
    }
    const shift = this.shift
    const n = this.lags
    shift[0] = 0
    shift[n - 1] = 0
    for (let i = 1; i < n - 1; i++) {
      const aa = cmnd[i + 1]! + cmnd[i - 1]! - 2 * cmnd[i]!
      const bb = (cmnd[i + 1]! - cmnd[i - 1]!) / 2
      shift[i] = Math.abs(bb) >= Math.abs(aa) ? 0 : -bb / aa
    }
  }
}

/** Trough test shared by YIN and pYIN (librosa.util.localmin with edge padding, index 0 special-cased). */
export const isTrough = (x: Float64Array, i: number): boolean => {
  const n = x.length
  if (i === 0) return n > 1 && x[0]! < x[1]!
  if (i === n - 1) return x[i]! < x[i - 1]!
  return x[i]! < x[i - 1]! && x[i]! <= x[i + 1]!
}

export const yin = (y: Float32Array, sampleRate: number, o: YinOptions): F0Track => {
  const g = yinGeometry(y.length, sampleRate, o)
  const frames = new CmndFrames(y, g)
  const f0 = new Float32Array(g.frames)
  const voiced = new Uint8Array(g.frames)
  const voicedProb = new Float32Array(g.frames)
  const { cmnd, shift, lags } = frames
  for (let t = 0; t < g.frames; t++) {
    frames.compute(t)
    let chosen = -1
    let best = 0
    for (let i = 0; i < lags; i++) {
      if (cmnd[i]! < cmnd[best]!) best = i
      if (chosen < 0 && cmnd[i]! < o.threshold && isTrough(cmnd, i)) chosen = i
    }
    if (chosen >= 0 && frames.energy > 0) {
      voiced[t] = 1
      f0[t] = sampleRate / (g.minPeriod + chosen + shift[chosen]!)
      voicedProb[t] = Math.min(1, Math.max(0, 1 - cmnd[chosen]!))
    } else {
      voicedProb[t] = frames.energy > 0 ? Math.min(1, Math.max(0, 1 - cmnd[best]!)) : 0
    }
  }
  return { f0, voiced, voicedProb, frames: g.frames, hop: g.hop }
}

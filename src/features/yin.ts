import { ComplexFft, nextPow2, realFftPlan } from "../dsp/fft.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"

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
  if (!Number.isInteger(frameLength) || frameLength < 8) throw new ParameterError({ parameter: "f0", message: `f0: frame_length must be an integer >= 8, got ${frameLength}` })
  if (!Number.isInteger(winLength) || winLength < 1 || winLength >= frameLength)
    throw new ParameterError({ parameter: "f0", message: `f0: win_length must be an integer in [1, frame_length), got ${winLength}` })
  if (!Number.isInteger(hop) || hop < 1) throw new ParameterError({ parameter: "f0", message: `f0: hop must be a positive integer, got ${hop}` })
  if (!(o.fmin > 0) || !(o.fmax > o.fmin)) throw new ParameterError({ parameter: "f0", message: `f0: need 0 < fmin < fmax, got fmin=${o.fmin}, fmax=${o.fmax}` })
  if (o.fmax > sampleRate / 2) throw new ParameterError({ parameter: "f0", message: `f0: fmax=${o.fmax} Hz is above the Nyquist frequency ${sampleRate / 2} Hz` })
  const minPeriod = Math.max(Math.floor(sampleRate / o.fmax), 1)
  const longest = Math.ceil(sampleRate / o.fmin)
  // librosa silently caps the lag range here (so fmin is never reached); say so instead
  if (longest > frameLength - winLength - 1)
    throw new DataError({ message: `f0: frame_length=${frameLength} is too short for fmin=${o.fmin} Hz at ${sampleRate} Hz: periods up to ${longest} samples need frame_length - win_length > ${longest} (raise frame_length or fmin)` })
  const maxPeriod = longest
  if (maxPeriod - minPeriod < 2) throw new ParameterError({ parameter: "f0", message: `f0: fmin=${o.fmin} Hz and fmax=${o.fmax} Hz are too close at ${sampleRate} Hz` })
  const center = o.center !== false
  const padded = center ? length + 2 * Math.floor(frameLength / 2) : length
  const frames = padded < frameLength ? 0 : 1 + Math.floor((padded - frameLength) / hop)
  return { frameLength, winLength, hop, minPeriod, maxPeriod, frames, center }
}

/**
 * Computes the CMND of one frame after another, reusing its buffers. `cmnd[i]` is the
 * value at lag min_period + i; `shiftAt(i)` the parabolic-interpolation offset there.
 *
 * The difference function needs r(τ) = Σ_{j<W} x[s+j]·x[s+j+τ] (s: the frame's window
 * start) for τ ≤ max_period, one circular cross-correlation of size N = nextPow2(L). With
 * librosa's geometry (W = L/2 = N/2, hop dividing W) the N samples from s are the window
 * of this frame followed by the window of frame t + W/hop, so with S_t the spectrum of
 * frame t's zero-padded window, r = IFFT(conj(S_t)·(S_t + (−1)^k S_{t+W/hop})): one
 * forward FFT per frame (each S is computed once and kept in a small ring) and one inverse,
 * instead of three FFTs. Other geometries transform the frame and its window separately.
 */
export class CmndFrames {
  readonly lags: number
  readonly cmnd: Float64Array
  /** Energy of the autocorrelation window of the last frame (0: silent). */
  energy = 0
  private readonly size: number
  private readonly offset: number
  private readonly segment: Float64Array
  private readonly frame: Float64Array
  private readonly rRe: Float64Array
  private readonly rIm: Float64Array
  private readonly fRe: Float64Array
  private readonly fIm: Float64Array
  /** Conjugated inverse transform of R (see correlate). */
  private readonly corr: Float64Array
  private readonly halfFft: ComplexFft
  private readonly cumEnergy: Float64Array
  /** Ring of window spectra for the fast path: slot t mod (stride + 1) holds S_t. */
  private readonly stride: number
  private readonly ringRe: Float64Array[] = []
  private readonly ringIm: Float64Array[] = []
  private readonly ringFrame: Int32Array

  constructor(
    private readonly y: Float32Array,
    readonly geometry: YinGeometry
  ) {
    const g = geometry
    const N = nextPow2(g.frameLength)
    this.size = N
    this.lags = g.maxPeriod - g.minPeriod + 1
    this.cmnd = new Float64Array(this.lags)
    this.offset = g.center ? Math.floor(g.winLength / 2) + 1 : 0
    this.segment = new Float64Array(N)
    this.frame = new Float64Array(N)
    const bins = (N >> 1) + 1
    this.rRe = new Float64Array(bins)
    this.rIm = new Float64Array(bins)
    this.fRe = new Float64Array(bins)
    this.fIm = new Float64Array(bins)
    this.halfFft = new ComplexFft(N >> 1)
    this.corr = this.halfFft.output
    this.cumEnergy = new Float64Array(g.winLength + g.maxPeriod + 1)
    const fast = 2 * g.winLength === N && g.winLength % g.hop === 0
    this.stride = fast ? g.winLength / g.hop : 0
    this.ringFrame = new Int32Array(fast ? this.stride + 1 : 0).fill(-1)
    for (let i = 0; i < this.ringFrame.length; i++) {
      this.ringRe.push(new Float64Array(bins))
      this.ringIm.push(new Float64Array(bins))
    }
  }

  /** Signal sample i, zero outside the signal. */
  private sample(i: number): number {
    return i >= 0 && i < this.y.length ? this.y[i]! : 0
  }

  /** First sample of frame t's autocorrelation window (librosa's x[1..W] of the frame). */
  private windowStart(t: number): number {
    // The difference function reads x[1..W] against x[1+tau..W+tau]: centre that window
    // (not the whole frame, as librosa does) on t*hop so the estimate belongs to the frame
    // time and lines up with the mel frames; librosa's lead by (L - W)/2 samples would cost
    // ~20 cents on a 5 Hz vibrato.
    return t * this.geometry.hop - this.offset + 1
  }

  /** Spectrum of frame t's zero-padded window, from the ring (fast path). */
  private windowSpectrum(t: number): number {
    const slot = t % this.ringFrame.length
    if (this.ringFrame[slot] !== t) {
      const seg = this.segment
      const W = this.geometry.winLength
      const s = this.windowStart(t)
      const y = this.y
      if (s >= 0 && s + W <= y.length) seg.set(y.subarray(s, s + W))
      else for (let j = 0; j < W; j++) seg[j] = this.sample(s + j)
      // seg[W..N) stays zero
      realFftPlan(this.size).forward(seg, this.ringRe[slot]!, this.ringIm[slot]!)
      this.ringFrame[slot] = t
    }
    return slot
  }

  /**
   * r(τ) of frame t, stored as the conjugate of the inverse transform: corr[τ] for even τ,
   * −corr[τ] for odd τ (see diffAt). The fast path forms R[k] and R[m−k] and feeds them
   * straight into the real inverse FFT's pre-processing (RealFft.inverse's formulas), so R
   * is never stored and the conjugation pass is left out.
   */
  private correlate(t: number): void {
    const N = this.size
    const m = N >> 1
    const plan = realFftPlan(N)
    const { rRe, rIm } = this
    const W = this.geometry.winLength
    if (this.stride > 0) {
      const a = this.windowSpectrum(t)
      const b = this.windowSpectrum(t + this.stride)
      const aRe = this.ringRe[a]!, aIm = this.ringIm[a]!
      const bRe = this.ringRe[b]!, bIm = this.ringIm[b]!
      const buf = this.halfFft.input
      const wr = plan.wr
      const wi = plan.wi
      const sc = 0.5 / m
      // R[k] = conj(S_t)·(S_t + (−1)^k S_{t+d}) = |S_t|² ± conj(S_t)·S_{t+d}; m is even, so
      // k and m−k share the sign.
      {
        const r0 = aRe[0]! * aRe[0]! + aIm[0]! * aIm[0]! + (aRe[0]! * bRe[0]! + aIm[0]! * bIm[0]!)
        const rm = aRe[m]! * aRe[m]! + aIm[m]! * aIm[m]! + (aRe[m]! * bRe[m]! + aIm[m]! * bIm[m]!)
        buf[0] = sc * (r0 + rm)
        buf[1] = -sc * (r0 - rm)
      }
      const h = m >> 1
      for (let k = 1; k <= h; k++) {
        const j = m - k
        const sign = 1 - 2 * (k & 1)
        let pr = aRe[k]!, pi = aIm[k]!, qr = bRe[k]!, qi = bIm[k]!
        const ar = pr * pr + pi * pi + sign * (pr * qr + pi * qi)
        const ai = sign * (pr * qi - pi * qr)
        pr = aRe[j]!
        pi = aIm[j]!
        qr = bRe[j]!
        qi = bIm[j]!
        const br = pr * pr + pi * pi + sign * (pr * qr + pi * qi)
        const bi = -sign * (pr * qi - pi * qr)
        const er = sc * (ar + br)
        const ei = sc * (ai + bi)
        const dr = sc * (ar - br)
        const di = sc * (ai - bi)
        const or = dr * wr[k]! + di * wi[k]!
        const oi = di * wr[k]! - dr * wi[k]!
        buf[2 * k] = er - oi
        buf[2 * k + 1] = -(ei + or)
        if (j !== k) {
          buf[2 * j] = er + oi
          buf[2 * j + 1] = ei - or
        }
      }
      this.halfFft.run() // corr = its output
      return
    }
    const s = this.windowStart(t)
    const frame = this.frame
    const seg = this.segment
    for (let i = 0; i < N; i++) frame[i] = this.sample(s + i)
    for (let j = 0; j < W; j++) seg[j] = frame[j]!
    const { fRe, fIm } = this
    plan.forward(frame, fRe, fIm)
    plan.forward(seg, rRe, rIm)
    for (let k = 0; k <= m; k++) {
      const ar = rRe[k]!, ai = rIm[k]!, br = fRe[k]!, bi = fIm[k]!
      rRe[k] = ar * br + ai * bi
      rIm[k] = ar * bi - ai * br
    }
    const corr = this.corr
    plan.inverse(rRe, rIm, corr)
    for (let i = 1; i < N; i += 2) corr[i] = -corr[i]! // the fast path's layout
  }

  /** Fill cmnd for frame t (all lags). */
  compute(t: number): void {
    this.prepare(t)
    this.extend(this.lags)
  }

  /** Lag indices of cmnd computed so far for the current frame (see extend). */
  private done = 0
  private running = 0

  /**
   * Start frame t: its correlation, window energies and energy; cmnd is then filled lag by
   * lag with extend(), so a search that stops at the first trough (YIN) skips the rest.
   */
  prepare(t: number): void {
    const g = this.geometry
    const { winLength: W, minPeriod, maxPeriod } = g
    this.correlate(t)
    // energies e(τ) = Σ_{j<W} x[s+τ+j]² from a running sum over the window and lags
    const cum = this.cumEnergy
    const s = this.windowStart(t)
    const y = this.y
    const span = W + maxPeriod
    cum[0] = 0
    if (s >= 0 && s + span <= y.length) {
      const x = this.frame
      x.set(y.subarray(s, s + span))
      // four samples per step, so the running sum waits on two additions per four samples
      let acc = 0
      let i = 0
      for (; i + 3 < span; i += 4) {
        const v0 = x[i]! * x[i]!
        const v1 = x[i + 1]! * x[i + 1]!
        const v2 = x[i + 2]! * x[i + 2]!
        const v3 = x[i + 3]! * x[i + 3]!
        const s01 = v0 + v1
        cum[i + 1] = acc + v0
        const c2 = acc + s01
        cum[i + 2] = c2
        cum[i + 3] = c2 + v2
        acc = c2 + (v2 + v3)
        cum[i + 4] = acc
      }
      for (; i < span; i++) {
        acc += x[i]! * x[i]!
        cum[i + 1] = acc
      }
    } else {
      let acc = 0
      for (let i = 0; i < span; i++) {
        const v = this.sample(s + i)
        acc += v * v
        cum[i + 1] = acc
      }
    }
    let e0 = cum[W]!
    if (Math.abs(e0) < 1e-6) e0 = 0
    this.energy = e0
    let running = 0
    for (let tau = 1; tau < minPeriod; tau++) running += this.diffAt(tau)
    this.running = running
    this.done = 0
  }

  /** d(τ) = e(0) + e(τ) − 2 r(τ), with librosa's 1e-6 flush to zero of r and e. */
  private diffAt(tau: number): number {
    let r = (tau & 1) === 0 ? this.corr[tau]! : -this.corr[tau]!
    if (Math.abs(r) < 1e-6) r = 0
    const cum = this.cumEnergy
    let e = cum[tau + this.geometry.winLength]! - cum[tau]!
    if (Math.abs(e) < 1e-6) e = 0
    return this.energy + e - 2 * r
  }

  /** Compute cmnd[done .. min(limit, lags)); returns the new count of computed lags. */
  extend(limit: number): number {
    const end = Math.min(limit, this.lags)
    const minPeriod = this.geometry.minPeriod
    const cmnd = this.cmnd
    let running = this.running
    for (let i = this.done; i < end; i++) {
      const tau = minPeriod + i
      const d = this.diffAt(tau)
      running += d
      // cumulative mean normalisation over lags 1..tau
      cmnd[i] = d / (running / tau + Number.MIN_VALUE)
    }
    if (end > this.done) {
      this.running = running
      this.done = end
    }
    return this.done
  }

  /** Parabolic-interpolation offset of the CMND minimum near lag index i (0 at the ends). */
  shiftAt(i: number): number {
    const cmnd = this.cmnd
    if (i <= 0 || i >= this.lags - 1) return 0
    const aa = cmnd[i + 1]! + cmnd[i - 1]! - 2 * cmnd[i]!
    const bb = (cmnd[i + 1]! - cmnd[i - 1]!) / 2
    return Math.abs(bb) >= Math.abs(aa) ? 0 : -bb / aa
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
  const { cmnd, lags } = frames
  const threshold = o.threshold
  for (let t = 0; t < g.frames; t++) {
    // CMND lag by lag (in steps of 32) up to the first trough below the threshold
    frames.prepare(t)
    let done = 0
    let chosen = -1
    for (let i = 0; i < lags; i++) {
      if (i + 2 > done) done = frames.extend(i + 32)
      if (cmnd[i]! < threshold && isTrough(cmnd, i)) {
        chosen = i
        break
      }
    }
    if (chosen < 0) frames.extend(lags)
    else frames.extend(chosen + 2) // shiftAt reads chosen ± 1
    if (chosen >= 0 && frames.energy > 0) {
      voiced[t] = 1
      f0[t] = sampleRate / (g.minPeriod + chosen + frames.shiftAt(chosen))
      voicedProb[t] = Math.min(1, Math.max(0, 1 - cmnd[chosen]!))
    } else if (frames.energy > 0) {
      let best = 0
      for (let i = 1; i < lags; i++) if (cmnd[i]! < cmnd[best]!) best = i
      voicedProb[t] = Math.min(1, Math.max(0, 1 - cmnd[best]!))
    }
  }
  return { f0, voiced, voicedProb, frames: g.frames, hop: g.hop }
}

/**
 * Multi-resolution STFT distance as auraloss defines it (the same definition as the tfjs
 * `loss.mrstft` in src/ml/losses/stft.ts: centred frames with reflect padding, a periodic
 * Hann window of win_length centred in n_fft, |X| = sqrt(max(re² + im², 1e-7)), spectral
 * convergence ||Y − X||_F / ||Y||_F plus mean |ln Y − ln X|, averaged over resolutions),
 * in plain typed-array code with its exact gradient with respect to the prediction, for
 * one mono signal. Style transfer evaluates it thousands of times (SPSA) and backpropagates
 * through it (autodiff) at full signal length, where the tfjs version's DFT-by-convolution
 * costs O(n_fft) per bin; here every frame is one real FFT forward and one for the adjoint.
 */
import { realFftPlan } from "../../dsp/fft.js"

export interface Resolution {
  readonly fftSize: number
  readonly hop: number
  readonly winLength: number
}

/** auraloss's default resolutions (also loss.mrstft's defaults). */
export const DEFAULT_RESOLUTIONS: ReadonlyArray<Resolution> = [
  { fftSize: 1024, hop: 120, winLength: 600 },
  { fftSize: 2048, hop: 240, winLength: 1200 },
  { fftSize: 512, hop: 50, winLength: 240 }
]

const MAG_FLOOR = 1e-7

const reflectIndex = (p: number, pad: number, n: number): number => {
  let i = p - pad
  if (i < 0) i = -i
  if (i >= n) i = 2 * (n - 1) - i
  return i
}

/** The centred window (periodic Hann of winLength, zero elsewhere) of one resolution. */
const centredHann = (r: Resolution): Float64Array => {
  const w = new Float64Array(r.fftSize)
  const offset = Math.floor((r.fftSize - r.winLength) / 2)
  for (let j = 0; j < r.winLength; j++) w[offset + j] = 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / r.winLength)
  return w
}

/** Magnitudes, frame by frame ([frames × bins]), with the complex bins kept for the gradient. */
interface Spectrogram {
  readonly frames: number
  readonly bins: number
  readonly mag: Float64Array
  readonly re: Float64Array
  readonly im: Float64Array
}

const spectrogram = (x: ArrayLike<number>, r: Resolution, window: Float64Array): Spectrogram => {
  const n = x.length
  const pad = r.fftSize / 2
  if (n <= pad) throw new Error(`a signal of ${n} samples is too short for fft_size ${r.fftSize} (needs more than ${pad})`)
  const frames = 1 + Math.floor(n / r.hop)
  const bins = r.fftSize / 2 + 1
  const plan = realFftPlan(r.fftSize)
  const frame = new Float64Array(r.fftSize)
  const fr = new Float64Array(bins)
  const fi = new Float64Array(bins)
  const mag = new Float64Array(frames * bins)
  const re = new Float64Array(frames * bins)
  const im = new Float64Array(frames * bins)
  for (let f = 0; f < frames; f++) {
    const start = f * r.hop
    for (let j = 0; j < r.fftSize; j++) frame[j] = window[j] === 0 ? 0 : window[j]! * x[reflectIndex(start + j, pad, n)]!
    plan.forward(frame, fr, fi)
    const o = f * bins
    for (let k = 0; k < bins; k++) {
      re[o + k] = fr[k]!
      im[o + k] = fi[k]!
      mag[o + k] = Math.sqrt(Math.max(fr[k]! * fr[k]! + fi[k]! * fi[k]!, MAG_FLOOR))
    }
  }
  return { frames, bins, mag, re, im }
}

/** A target prepared once: its spectrograms at every resolution. */
export class MrStftTarget {
  private readonly windows: Float64Array[]
  private readonly targets: Spectrogram[]
  private readonly targetNorms: number[]

  constructor(
    target: ArrayLike<number>,
    readonly resolutions: ReadonlyArray<Resolution> = DEFAULT_RESOLUTIONS
  ) {
    this.windows = resolutions.map(centredHann)
    this.targets = resolutions.map((r, i) => spectrogram(target, r, this.windows[i]!))
    this.targetNorms = this.targets.map((s) => Math.sqrt(s.mag.reduce((acc, v) => acc + v * v, 0)))
  }

  /** The distance of `prediction` (as long as the target) to the target. */
  value(prediction: ArrayLike<number>): number {
    return this.evaluate(prediction, false).value
  }

  /** The distance and its gradient with respect to every sample of `prediction`. */
  valueAndGradient(prediction: ArrayLike<number>): { value: number; gradient: Float64Array } {
    const r = this.evaluate(prediction, true)
    return { value: r.value, gradient: r.gradient! }
  }

  private evaluate(x: ArrayLike<number>, withGradient: boolean): { value: number; gradient?: Float64Array } {
    const n = x.length
    const count = this.resolutions.length
    const gradient = withGradient ? new Float64Array(n) : undefined
    let total = 0
    this.resolutions.forEach((r, ri) => {
      const window = this.windows[ri]!
      const y = this.targets[ri]!
      const s = spectrogram(x, r, window)
      if (s.frames !== y.frames) throw new Error(`prediction has ${n} samples, the target a different length`)
      let diff2 = 0
      let logSum = 0
      for (let i = 0; i < s.mag.length; i++) {
        const d = y.mag[i]! - s.mag[i]!
        diff2 += d * d
        logSum += Math.abs(Math.log(y.mag[i]!) - Math.log(s.mag[i]!))
      }
      const diffNorm = Math.sqrt(diff2)
      const yNorm = this.targetNorms[ri]!
      const cells = s.mag.length
      total += (diffNorm / yNorm + logSum / cells) / count
      if (gradient === undefined) return
      // d/d|X|: spectral convergence (X − Y)/(‖Y − X‖‖Y‖) and log magnitude sign(ln X − ln Y)/(|X|·cells)
      const plan = realFftPlan(r.fftSize)
      const bins = s.bins
      const gr = new Float64Array(bins)
      const gi = new Float64Array(bins)
      const frameGrad = new Float64Array(r.fftSize)
      const pad = r.fftSize / 2
      const sc = diffNorm > 0 ? 1 / (diffNorm * yNorm) : 0
      for (let f = 0; f < s.frames; f++) {
        const o = f * bins
        for (let k = 0; k < bins; k++) {
          const m = s.mag[o + k]!
          const p = s.re[o + k]! * s.re[o + k]! + s.im[o + k]! * s.im[o + k]!
          const lx = Math.log(m)
          const ly = Math.log(y.mag[o + k]!)
          const dm = (sc * (m - y.mag[o + k]!) + (lx > ly ? 1 : lx < ly ? -1 : 0) / (m * cells)) / count
          // |X| = sqrt(p) only above the floor; there d|X|/dRe = Re/|X|. The adjoint of the real FFT
          // halves the interior bins (see src/ml/differentiable/spectral-ops.ts).
          const scale = p > MAG_FLOOR ? dm / m : 0
          const half = k === 0 || k === bins - 1 ? 1 : 0.5
          gr[k] = scale * s.re[o + k]! * half
          gi[k] = k === 0 || k === bins - 1 ? 0 : scale * s.im[o + k]! * half
        }
        plan.inverse(gr, gi, frameGrad)
        const start = f * r.hop
        for (let j = 0; j < r.fftSize; j++) {
          if (window[j] === 0) continue
          gradient[reflectIndex(start + j, pad, n)]! += r.fftSize * window[j]! * frameGrad[j]!
        }
      }
    })
    return gradient === undefined ? { value: total } : { value: total, gradient }
  }
}

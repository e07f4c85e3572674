import { ParameterError } from "../errors/audioml-error.js"
/**
 * Fractional-delay placement of band-limited impulses by a Hann-windowed sinc, as in
 * image-source room simulators (pyroomacoustics uses 81 taps). An impulse of gain `g`
 * at fractional time `t` (in samples) is written as g·sinc(n − t)·w(n − t) for the
 * `taps` integer n nearest to t.
 *
 * Per impulse this costs one sin/cos pair and one division per tap: the sinc numerator
 * sin(π(k − f)) = −(−1)^k sin(πf) is shared by all taps, and the window's cosine is
 * advanced by a rotation recurrence instead of calling Math.cos per tap.
 */
export const DEFAULT_FRACTIONAL_DELAY_TAPS = 81

export class FractionalDelayKernel {
  /** Kernel values for the last `compute` call; tap i sits at sample `start + i`. */
  readonly values: Float64Array
  /** First sample index of the last computed kernel (may be negative). */
  start = 0
  private readonly half: number
  private readonly cosStep: number
  private readonly sinStep: number

  constructor(readonly taps: number = DEFAULT_FRACTIONAL_DELAY_TAPS) {
    if (!Number.isInteger(taps) || taps < 3 || taps % 2 === 0) {
      throw new ParameterError({ parameter: "fractional delay length", message: `fractional delay length must be an odd integer >= 3, got ${taps}` })
    }
    this.values = new Float64Array(taps)
    this.half = (taps - 1) / 2
    // Window w(x) = 0.5·(1 + cos(π x / (half + 1))) is zero just outside the support.
    const step = Math.PI / (this.half + 1)
    this.cosStep = Math.cos(step)
    this.sinStep = Math.sin(step)
  }

  /** Kernel for an impulse at fractional sample time `time` (>= 0 not required). */
  compute(time: number): this {
    const n0 = Math.round(time)
    const f = time - n0 // in [-0.5, 0.5]
    const half = this.half
    this.start = n0 - half
    const v = this.values
    if (Math.abs(f) < 1e-9) {
      v.fill(0)
      v[half] = 1
      return this
    }
    const sinPiF = Math.sin(Math.PI * f)
    // Window phase at k = -half: θ = π(−half − f)/(half + 1)
    const theta0 = (Math.PI * (-half - f)) / (half + 1)
    let c = Math.cos(theta0)
    let s = Math.sin(theta0)
    const cs = this.cosStep
    const ss = this.sinStep
    let sign = half % 2 === 0 ? -1 : 1 // −(−1)^k at k = −half
    for (let i = 0; i < v.length; i++) {
      const x = i - half - f
      // sinc(x) = sin(πx)/(πx) with sin(π(k − f)) = −(−1)^k sin(πf)
      v[i] = ((sign * sinPiF) / (Math.PI * x)) * 0.5 * (1 + c)
      sign = -sign
      const c2 = c * cs - s * ss
      s = s * cs + c * ss
      c = c2
    }
    return this
  }

  /** Add gain·kernel into `out`, dropping taps that fall outside it. */
  addTo(out: Float64Array | Float32Array, gain: number): void {
    const v = this.values
    let i0 = 0
    let i1 = v.length
    if (this.start < 0) i0 = -this.start
    if (this.start + i1 > out.length) i1 = out.length - this.start
    const base = this.start
    for (let i = i0; i < i1; i++) out[base + i]! += gain * v[i]!
  }
}

/**
 * amsynth's resonant filter: a biquad from the bilinear transform (prewarped at the
 * cutoff) of the analog prototypes in Zölzer's "Digital Audio Signal Processing",
 * H(s) = 1/(s² + s/Q + 1) (low pass), s²/(…) (high pass), (s/Q)/(…) (band pass),
 * (s² + 1)/(…) (notch), with 1/Q = max(0.001, 2(1 − resonance)). The 24 dB slope runs
 * the same biquad twice. Cutoff is clamped to [10 Hz, 0.99 · Nyquist].
 */

/** Filter types, by raw `filter_type` value. */
export const FILTER_LOWPASS = 0
export const FILTER_HIGHPASS = 1
export const FILTER_BANDPASS = 2
export const FILTER_NOTCH = 3
export const FILTER_BYPASS = 4

/** Normalised biquad coefficients: y = b0 x + b1 x₁ + b2 x₂ − a1 y₁ − a2 y₂. */
export interface BiquadCoefficients {
  b0: number
  b1: number
  b2: number
  a1: number
  a2: number
}

/** The clamped cutoff amsynth uses at `sampleRate`. */
export const clampCutoff = (cutoffHz: number, sampleRate: number): number => Math.max(10, Math.min(cutoffHz, (sampleRate / 2) * 0.99))

/**
 * Coefficients of one filter section (into `out`, to avoid allocating per block).
 * `resonance` in [0, 0.97]; resonance 1 − √2/2 gives a Butterworth response.
 */
export const designSynthFilter = (type: number, cutoffHz: number, resonance: number, sampleRate: number, out: BiquadCoefficients): BiquadCoefficients => {
  const w = clampCutoff(cutoffHz, sampleRate) / sampleRate
  const r = Math.max(0.001, 2 * (1 - resonance))
  const k = Math.tan(w * Math.PI)
  const k2 = k * k
  const rk = r * k
  const bh = 1 + rk + k2
  out.a1 = (2 * (k2 - 1)) / bh
  out.a2 = (1 - rk + k2) / bh
  switch (type) {
    case FILTER_LOWPASS:
      out.b0 = k2 / bh
      out.b1 = (2 * k2) / bh
      out.b2 = k2 / bh
      break
    case FILTER_HIGHPASS:
      out.b0 = 1 / bh
      out.b1 = -2 / bh
      out.b2 = 1 / bh
      break
    case FILTER_BANDPASS:
      out.b0 = rk / bh
      out.b1 = 0
      out.b2 = -rk / bh
      break
    case FILTER_NOTCH:
      out.b0 = (1 + k2) / bh
      out.b1 = (2 * (k2 - 1)) / bh
      out.b2 = (1 + k2) / bh
      break
    default:
      out.b0 = 1
      out.b1 = 0
      out.b2 = 0
      out.a1 = 0
      out.a2 = 0
  }
  return out
}

/** The filter's state: two transposed direct-form II sections (the second used at 24 dB). */
export class SynthFilter {
  private d1 = 0
  private d2 = 0
  private d3 = 0
  private d4 = 0
  private readonly c: BiquadCoefficients = { b0: 1, b1: 0, b2: 0, a1: 0, a2: 0 }

  constructor(readonly sampleRate: number) {}

  reset(): void {
    this.d1 = this.d2 = this.d3 = this.d4 = 0
  }

  /** Filter `n` samples of `buf` from `offset` in place; `slope24` runs the section twice. */
  process(buf: Float32Array, offset: number, n: number, type: number, cutoffHz: number, resonance: number, slope24: boolean): void {
    if (type === FILTER_BYPASS) return
    const { b0, b1, b2, a1, a2 } = designSynthFilter(type, cutoffHz, resonance, this.sampleRate, this.c)
    let d1 = this.d1
    let d2 = this.d2
    const end = offset + n
    if (!slope24) {
      for (let i = offset; i < end; i++) {
        const x = buf[i]!
        const y = b0 * x + d1
        d1 = d2 + b1 * x - a1 * y
        d2 = b2 * x - a2 * y
        buf[i] = y
      }
    } else {
      let d3 = this.d3
      let d4 = this.d4
      for (let i = offset; i < end; i++) {
        const x = buf[i]!
        const y = b0 * x + d1
        d1 = d2 + b1 * x - a1 * y
        d2 = b2 * x - a2 * y
        const z = b0 * y + d3
        d3 = d4 + b1 * y - a1 * z
        d4 = b2 * y - a2 * z
        buf[i] = z
      }
      this.d3 = d3
      this.d4 = d4
    }
    this.d1 = d1
    this.d2 = d2
  }
}

import { ParameterError } from "../errors/audioml-error.js"
/**
 * Second-order IIR sections designed with Robert Bristow-Johnson's Audio EQ Cookbook,
 * coefficients in double precision, run in transposed direct form II (two state
 * variables, good numerical behaviour with double state).
 *
 * The designs follow the cookbook exactly as sox implements them (`equalizer`, `bass`,
 * `treble`, `lowpass -2`, `highpass -2`, `bandpass`, `bandreject` with width given as
 * Q), so our output equals sox's to float precision.
 */

export type BiquadType = "peaking" | "lowshelf" | "highshelf" | "lowpass" | "highpass" | "bandpass" | "notch" | "allpass"

export const biquadTypes: ReadonlyArray<BiquadType> = ["peaking", "lowshelf", "highshelf", "lowpass", "highpass", "bandpass", "notch", "allpass"]

export interface BiquadDesign {
  readonly type: BiquadType
  /** Centre / corner frequency in Hz; must be above 0 and below Nyquist. */
  readonly freq: number
  /** Quality factor (sox's `Nq` width). */
  readonly q: number
  /** Gain in dB for peaking and shelving types; ignored by the others. */
  readonly gainDb?: number
}

/** Normalised coefficients (a0 = 1): y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2. */
export interface BiquadCoefficients {
  readonly b0: number
  readonly b1: number
  readonly b2: number
  readonly a1: number
  readonly a2: number
}

export const designBiquad = (d: BiquadDesign, sampleRate: number): BiquadCoefficients => {
  const nyquist = sampleRate / 2
  if (!(d.freq > 0) || !(d.freq < nyquist)) {
    throw new ParameterError({ parameter: "freq", message: `freq ${d.freq} Hz must be between 0 and the Nyquist frequency (${nyquist} Hz at ${sampleRate} Hz)` })
  }
  if (!(d.q > 0)) throw new ParameterError({ parameter: "q", message: `q ${d.q} must be greater than 0` })
  const w0 = (2 * Math.PI * d.freq) / sampleRate
  const cw = Math.cos(w0)
  const alpha = Math.sin(w0) / (2 * d.q)
  // 10^(gain/40): the cookbook's amplitude for peaking and shelving filters.
  const A = Math.exp(((d.gainDb ?? 0) / 40) * Math.log(10))
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number
  switch (d.type) {
    case "lowpass":
      b0 = (1 - cw) / 2
      b1 = 1 - cw
      b2 = (1 - cw) / 2
      a0 = 1 + alpha
      a1 = -2 * cw
      a2 = 1 - alpha
      break
    case "highpass":
      b0 = (1 + cw) / 2
      b1 = -(1 + cw)
      b2 = (1 + cw) / 2
      a0 = 1 + alpha
      a1 = -2 * cw
      a2 = 1 - alpha
      break
    case "bandpass": // constant 0 dB peak gain
      b0 = alpha
      b1 = 0
      b2 = -alpha
      a0 = 1 + alpha
      a1 = -2 * cw
      a2 = 1 - alpha
      break
    case "notch":
      b0 = 1
      b1 = -2 * cw
      b2 = 1
      a0 = 1 + alpha
      a1 = -2 * cw
      a2 = 1 - alpha
      break
    case "allpass":
      b0 = 1 - alpha
      b1 = -2 * cw
      b2 = 1 + alpha
      a0 = 1 + alpha
      a1 = -2 * cw
      a2 = 1 - alpha
      break
    case "peaking":
      b0 = 1 + alpha * A
      b1 = -2 * cw
      b2 = 1 - alpha * A
      a0 = 1 + alpha / A
      a1 = -2 * cw
      a2 = 1 - alpha / A
      break
    case "lowshelf": {
      const s = 2 * Math.sqrt(A) * alpha
      b0 = A * (A + 1 - (A - 1) * cw + s)
      b1 = 2 * A * (A - 1 - (A + 1) * cw)
      b2 = A * (A + 1 - (A - 1) * cw - s)
      a0 = A + 1 + (A - 1) * cw + s
      a1 = -2 * (A - 1 + (A + 1) * cw)
      a2 = A + 1 + (A - 1) * cw - s
      break
    }
    case "highshelf": {
      const s = 2 * Math.sqrt(A) * alpha
      b0 = A * (A + 1 + (A - 1) * cw + s)
      b1 = -2 * A * (A - 1 + (A + 1) * cw)
      b2 = A * (A + 1 + (A - 1) * cw - s)
      a0 = A + 1 - (A - 1) * cw + s
      a1 = 2 * (A - 1 - (A + 1) * cw)
      a2 = A + 1 - (A - 1) * cw - s
      break
    }
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 }
}

const BLOCK = 2048

/**
 * Run a cascade of sections over `input` (transposed direct form II, double state),
 * writing `output` (may be the same array). The state starts at rest. Several sections
 * run block by block through a small double-precision buffer that stays in cache.
 */
export const runBiquads = (
  sections: ReadonlyArray<BiquadCoefficients>,
  input: Float32Array,
  output: Float32Array = new Float32Array(input.length)
): Float32Array => {
  const n = input.length
  const m = sections.length
  if (m === 0) {
    if (output !== input) output.set(input)
    return output
  }
  if (m === 1) {
    const { b0, b1, b2, a1, a2 } = sections[0]!
    let z1 = 0
    let z2 = 0
    for (let i = 0; i < n; i++) {
      const x = input[i]!
      const y = b0 * x + z1
      z1 = b1 * x - a1 * y + z2
      z2 = b2 * x - a2 * y
      output[i] = y
    }
    return output
  }
  const state = new Float64Array(2 * m)
  const buf = new Float64Array(BLOCK)
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start)
    for (let i = 0; i < len; i++) buf[i] = input[start + i]!
    for (let s = 0; s < m; s++) {
      const { b0, b1, b2, a1, a2 } = sections[s]!
      let z1 = state[2 * s]!
      let z2 = state[2 * s + 1]!
      for (let i = 0; i < len; i++) {
        const x = buf[i]!
        const y = b0 * x + z1
        z1 = b1 * x - a1 * y + z2
        z2 = b2 * x - a2 * y
        buf[i] = y
      }
      state[2 * s] = z1
      state[2 * s + 1] = z2
    }
    for (let i = 0; i < len; i++) output[start + i] = buf[i]!
  }
  return output
}

/** Complex frequency response magnitude of a section at `freq` Hz (for tests and plots). */
export const biquadMagnitude = (c: BiquadCoefficients, freq: number, sampleRate: number): number => {
  const w = (2 * Math.PI * freq) / sampleRate
  const c1 = Math.cos(w)
  const s1 = Math.sin(w)
  const c2 = Math.cos(2 * w)
  const s2 = Math.sin(2 * w)
  const nr = c.b0 + c.b1 * c1 + c.b2 * c2
  const ni = -(c.b1 * s1 + c.b2 * s2)
  const dr = 1 + c.a1 * c1 + c.a2 * c2
  const di = -(c.a1 * s1 + c.a2 * s2)
  return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di))
}

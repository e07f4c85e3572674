import type { Rng } from "../../params/rng.js"
import { nextPow2, realFftPlan } from "../../dsp/fft.js"
import { ParameterError } from "../../errors/audioml-error.js"

export const noiseColours = ["white", "pink", "brown", "blue", "violet"] as const
export type NoiseColour = (typeof noiseColours)[number]

/** Power spectral density ∝ f^exponent: 0, −3, −6, +3, +6 dB per octave. */
export const colourExponent: Readonly<Record<NoiseColour, number>> = { white: 0, pink: -1, brown: -2, blue: 1, violet: 2 }

/**
 * Gaussian noise of the given colour with unit RMS, written into `out`.
 *
 * Colours other than white are made by shaping the spectrum of white Gaussian noise over
 * the next power of two: every bin scaled by f^(exponent/2), DC removed, inverse FFT,
 * truncated to the buffer. Unlike Voss-McCartney (pink only, ripple of about
 * ±0.5 dB) or a leaky integrator (brown bends at its leak frequency), this gives the exact
 * slope over the whole band, for every colour, at O(n log n).
 */
export const colouredNoise = (out: Float32Array, colour: NoiseColour, rng: Rng): Float32Array => {
  const n = out.length
  if (n === 0) return out
  const exponent = colourExponent[colour]
  if (exponent === undefined) throw new ParameterError({ parameter: "noise colour", message: `unknown noise colour "${colour}" (expected one of ${noiseColours.join(", ")})` })
  if (exponent === 0) {
    for (let i = 0; i < n; i++) out[i] = rng.normal()
    return normaliseRms(out)
  }
  const size = Math.max(4, nextPow2(n))
  // The DFT of white Gaussian noise is independent complex Gaussians per bin (real at
  // Nyquist), so the half spectrum is drawn directly instead of transforming time samples.
  const re = new Float64Array(size / 2 + 1)
  const im = new Float64Array(size / 2 + 1)
  const half = exponent / 2
  for (let k = 1; k <= size / 2; k++) {
    const g = k ** half
    re[k] = g * rng.normal()
    im[k] = k === size / 2 ? 0 : g * rng.normal()
  }
  const shaped = new Float64Array(size)
  realFftPlan(size).inverse(re, im, shaped)
  // Remove the mean of the kept part: truncation of brown noise leaves a DC offset.
  let mean = 0
  for (let i = 0; i < n; i++) mean += shaped[i]!
  mean /= n
  for (let i = 0; i < n; i++) out[i] = shaped[i]! - mean
  return normaliseRms(out)
}

const normaliseRms = (x: Float32Array): Float32Array => {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!
  const rms = Math.sqrt(s / x.length)
  if (rms > 0) {
    const g = 1 / rms
    for (let i = 0; i < x.length; i++) x[i]! *= g
  }
  return x
}

import type { Rng } from "../../params/rng.js"
import { combineBands, OCTAVE_BANDS } from "./octave-bands.js"

export interface LateTailOptions {
  /** Total length in samples; noise starts at `start`. */
  readonly length: number
  readonly start: number
  readonly sampleRate: number
  /** Energy decay rate per octave band (1/s), as from `decayRates`. */
  readonly rates: ArrayLike<number>
  /**
   * Energy per sample of each band at t = 0 before decay. For the image-source model
   * with 1/r amplitudes, images arrive at 4π(ct)²·c/V per second, each with energy
   * R(t)/(ct)², so the expected energy per sample is 4πc/(V·fs)·R(t).
   */
  readonly levels: ArrayLike<number>
  readonly rng: Rng
}

/**
 * Stochastic late reverberation: Gaussian noise per octave band with an exponential
 * envelope of that band's decay rate, band-limited by power-complementary octave
 * crossovers and summed, so each band's energy per sample is level_b·exp(−rate_b·t).
 */
export const lateTail = (o: LateTailOptions): Float64Array => {
  const bands: Float64Array[] = []
  const start = Math.max(0, Math.min(o.length, o.start))
  for (let b = 0; b < OCTAVE_BANDS; b++) {
    const rng = o.rng.fork(`band-${b}`)
    const band = new Float64Array(o.length)
    const step = Math.exp(-o.rates[b]! / (2 * o.sampleRate))
    let g = Math.sqrt(o.levels[b]!) * Math.exp((-o.rates[b]! * start) / (2 * o.sampleRate))
    for (let n = start; n < o.length; n++) {
      band[n] = g * rng.normal()
      g *= step
    }
    bands.push(band)
  }
  return combineBands(bands, o.sampleRate, "power", o.length)
}

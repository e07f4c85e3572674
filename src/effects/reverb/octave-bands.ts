import { nextPow2, realFftPlan } from "../../dsp/fft.js"
import { DataError } from "../../errors/audioml-error.js"

/** Octave-band centre frequencies of absorption data (ISO 354 / Vorländer tables). */
export const OCTAVE_CENTRES_HZ: ReadonlyArray<number> = [125, 250, 500, 1000, 2000, 4000, 8000]
export const OCTAVE_BANDS = OCTAVE_CENTRES_HZ.length

/**
 * Crossover weights of the seven octave bands on an FFT grid, zero-phase: between two
 * adjacent centres the response moves from one band to the next with a raised cosine in
 * log-frequency; below 125 Hz everything belongs to the first band, above 8 kHz to the
 * last. `amplitude` weights sum to exactly 1 at every frequency (so equal per-band gains
 * give back the input unchanged); `power` weights have squares summing to 1 (for
 * independent noise per band, so the summed spectrum has no crossover dips).
 */
const weightCache = new Map<string, Float64Array[]>()

export const bandWeights = (fftSize: number, sampleRate: number, kind: "amplitude" | "power"): Float64Array[] => {
  const key = `${fftSize}:${sampleRate}:${kind}`
  const cached = weightCache.get(key)
  if (cached) return cached
  const bins = fftSize / 2 + 1
  const weights = OCTAVE_CENTRES_HZ.map(() => new Float64Array(bins))
  const f0 = OCTAVE_CENTRES_HZ[0]!
  const last = OCTAVE_BANDS - 1
  for (let k = 0; k < bins; k++) {
    const f = (k * sampleRate) / fftSize
    const u = f <= 0 ? -1 : Math.log2(f / f0)
    if (u <= 0) weights[0]![k] = 1
    else if (u >= last) weights[last]![k] = 1
    else {
      const b = Math.floor(u)
      const x = u - b
      const c = Math.cos((Math.PI / 2) * x)
      const s = Math.sin((Math.PI / 2) * x)
      weights[b]![k] = kind === "amplitude" ? c * c : c
      weights[b + 1]![k] = kind === "amplitude" ? s * s : s
    }
  }
  if (weightCache.size > 16) weightCache.clear()
  weightCache.set(key, weights)
  return weights
}

/**
 * Σ_b (weight_b ∗ band_b): filter each band signal by its octave weight and sum, in one
 * frequency-domain pass. The FFT is padded by 50 ms so the zero-phase filters' pre- and
 * post-ringing does not wrap around onto the signal. Returns `length` samples.
 */
export const combineBands = (
  bands: ReadonlyArray<Float64Array>,
  sampleRate: number,
  kind: "amplitude" | "power",
  length: number,
  /** Optional zero-phase high-pass |H| = f⁴/(f⁴ + fc⁴) (2nd-order Butterworth magnitude). */
  highpassHz = 0
): Float64Array => {
  if (bands.length !== OCTAVE_BANDS) throw new DataError({ message: `expected ${OCTAVE_BANDS} band signals, got ${bands.length}` })
  const pad = Math.ceil(0.05 * sampleRate)
  const n = nextPow2(Math.max(length, ...bands.map((b) => b.length)) + pad)
  const plan = realFftPlan(n)
  const weights = bandWeights(n, sampleRate, kind)
  const bins = n / 2 + 1
  const frame = new Float64Array(n)
  const re = new Float64Array(bins)
  const im = new Float64Array(bins)
  const accRe = new Float64Array(bins)
  const accIm = new Float64Array(bins)
  for (let b = 0; b < OCTAVE_BANDS; b++) {
    const band = bands[b]!
    frame.fill(0)
    frame.set(band.subarray(0, Math.min(band.length, n)))
    plan.forward(frame, re, im)
    const w = weights[b]!
    for (let k = 0; k < bins; k++) {
      const g = w[k]!
      if (g === 0) continue
      accRe[k]! += g * re[k]!
      accIm[k]! += g * im[k]!
    }
  }
  if (highpassHz > 0) {
    const fc4 = highpassHz ** 4
    for (let k = 0; k < bins; k++) {
      const f4 = ((k * sampleRate) / n) ** 4
      const g = f4 / (f4 + fc4)
      accRe[k]! *= g
      accIm[k]! *= g
    }
  }
  // the filtered sum is real: the inverse of its one-sided spectrum
  plan.inverse(accRe, accIm, frame)
  return frame.slice(0, length)
}

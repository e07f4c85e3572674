import { nextPow2, realFftPlan } from "../../dsp/fft.js"
import type { Rng } from "../../params/rng.js"
import { array, number, object, type JsonSchema } from "../../params/schema.js"
import type { EffectDefinition } from "../effect-definition.js"
import { bandWeights, OCTAVE_BANDS, OCTAVE_CENTRES_HZ } from "./octave-bands.js"
import { applyImpulseResponse } from "./wet-dry.js"

/**
 * A noise-shaped reverb (the differentiable reverb of DeepAFx-ST-style style transfer, and
 * its plain DSP twin): the impulse response is Gaussian noise split into the seven octave
 * bands of src/effects/reverb/octave-bands.ts, each band with its own exponential decay
 * (RT60) and level, summed:
 *
 *   h(t) = s · Σ_b 10^(gain_b / 20) · exp(−ln(1000) · t / rt60_b) · n_b(t),
 *
 * with n_b independent white noise in the b-th octave band (power-complementary crossovers, so
 * equal gains and decays give white noise) and s = sqrt(ln(1000) / fs), so a 1 s RT60 at 0 dB in
 * every band has an energy of about 0.5 (in expectation Σh² = Σ_b g_b² σ_b² rt60_b / 2, σ_b² the band's
 * share of the noise power).
 * The output is (1 − mix)·x + mix·(x ∗ h), as long as the input.
 */

const LN_1000 = Math.log(1000)

export interface NoiseReverbParams {
  readonly rt60_s: ReadonlyArray<number>
  readonly gain_db: ReadonlyArray<number>
  readonly length_s: number
  readonly mix: number
}

const perBand = (item: JsonSchema, description: string, value: number): JsonSchema =>
  array(item, {
    description: `${description}, one per octave band centred at ${OCTAVE_CENTRES_HZ.join(", ")} Hz`,
    minItems: OCTAVE_BANDS,
    maxItems: OCTAVE_BANDS,
    default: new Array<number>(OCTAVE_BANDS).fill(value)
  })

/**
 * Seven octave bands of white noise of `length` samples: band b is independent Gaussian
 * noise from `rng.fork("band-b")` filtered by its zero-phase, power-complementary octave
 * weight (circular filtering over the next power of two: the noise has no edges to ring),
 * so the seven bands' powers add up to unit variance, as the late tail of reverb.room does it.
 */
export const octaveBandNoise = (length: number, sampleRate: number, rng: Rng): Float64Array[] => {
  const n = nextPow2(Math.max(4, length))
  const plan = realFftPlan(n)
  const bins = n / 2 + 1
  const re = new Float64Array(bins)
  const im = new Float64Array(bins)
  const noise = new Float64Array(n)
  const weights = bandWeights(n, sampleRate, "power")
  return weights.map((w, b) => {
    const bandRng = rng.fork(`band-${b}`)
    for (let i = 0; i < n; i++) noise[i] = bandRng.normal()
    plan.forward(noise, re, im)
    for (let k = 0; k < bins; k++) {
      re[k] = w[k]! * re[k]!
      im[k] = w[k]! * im[k]!
    }
    plan.inverse(re, im, noise)
    return noise.slice(0, length)
  })
}

/** The overall scale s of the impulse response (see the module comment). */
export const noiseReverbScale = (sampleRate: number): number => Math.sqrt(LN_1000 / sampleRate)

/** ln(1000): an energy envelope exp(−2·ln(1000)·t/rt60) falls 60 dB in rt60. */
export const DECAY_PER_RT60 = LN_1000

/** The impulse response h for these params (length_s · fs samples). */
export const noiseReverbIr = (p: NoiseReverbParams, sampleRate: number, rng: Rng): Float32Array => {
  const length = Math.max(1, Math.round(p.length_s * sampleRate))
  const bands = octaveBandNoise(length, sampleRate, rng)
  const ir = new Float64Array(length)
  const s = noiseReverbScale(sampleRate)
  for (let b = 0; b < OCTAVE_BANDS; b++) {
    const band = bands[b]!
    const g = s * Math.pow(10, p.gain_db[b]! / 20)
    const step = Math.exp(-LN_1000 / (p.rt60_s[b]! * sampleRate))
    let env = g
    for (let i = 0; i < length; i++) {
      ir[i]! += env * band[i]!
      env *= step
    }
  }
  return Float32Array.from(ir)
}

export const noiseReverbDefinition: EffectDefinition<NoiseReverbParams> = {
  uses: "reverb.noise",
  description:
    "Noise-shaped reverb: an impulse response of octave-band noise, each band with its own RT60 and level, convolved and mixed (differentiable twin in src/ml/differentiable).",
  params: object({
    rt60_s: perBand(number({ description: "Decay time to -60 dB", minimum: 0.05, maximum: 10, unit: "s" }), "RT60", 1),
    gain_db: perBand(number({ description: "Level of the band", minimum: -40, maximum: 12, unit: "dB" }), "Level", 0),
    length_s: number({ description: "Length of the impulse response", minimum: 0.05, maximum: 10, default: 2, unit: "s", distribution: false }),
    mix: number({ description: "Wet/dry balance: 0 = dry only, 1 = wet only", minimum: 0, maximum: 1, default: 0.3 })
  }),
  process: (input, sampleRate, p, rng) => applyImpulseResponse(input, noiseReverbIr(p, sampleRate, rng.fork("noise-reverb")), p.mix)
}

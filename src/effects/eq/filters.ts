import { designBiquad, runBiquads, type BiquadCoefficients, type BiquadType } from "../../dsp/biquad.js"
import { number, object, type JsonSchema } from "../../params/schema.js"
import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { ParameterError, withContext } from "../../errors/audioml-error.js"

/**
 * The single-band EQ filters: RBJ cookbook biquads (src/dsp/biquad.ts). Each equals the
 * sox effect named in its description with the width given as `<q>q`.
 */
export interface FilterParams {
  readonly freq: number
  readonly q: number
  readonly gain_db?: number
}

const freq = (d: number): JsonSchema =>
  number({ description: "centre / corner frequency; must be below Nyquist", unit: "Hz", minimum: 10, maximum: 24000, default: d })

const q = (d: number): JsonSchema => number({ description: "quality factor (sox width `Nq`)", minimum: 0.05, maximum: 40, default: d })

const gainDb = number({ description: "boost (> 0) or cut (< 0)", unit: "dB", minimum: -48, maximum: 48, default: 0 })

interface FilterSpec {
  readonly uses: string
  readonly type: BiquadType
  readonly description: string
  readonly freq: number
  readonly q: number
  readonly gain: boolean
}

const specs: ReadonlyArray<FilterSpec> = [
  { uses: "eq.peaking", type: "peaking", description: "Peaking (bell) EQ band; equals sox `equalizer f Nq g`.", freq: 1000, q: 1, gain: true },
  { uses: "eq.lowshelf", type: "lowshelf", description: "Low shelf; equals sox `bass g f Nq`.", freq: 200, q: 0.7071, gain: true },
  { uses: "eq.highshelf", type: "highshelf", description: "High shelf; equals sox `treble g f Nq`.", freq: 4000, q: 0.7071, gain: true },
  { uses: "eq.lowpass", type: "lowpass", description: "Two-pole lowpass (12 dB/oct); equals sox `lowpass -2 f Nq`.", freq: 8000, q: 0.7071, gain: false },
  { uses: "eq.highpass", type: "highpass", description: "Two-pole highpass (12 dB/oct); equals sox `highpass -2 f Nq`.", freq: 100, q: 0.7071, gain: false },
  { uses: "eq.bandpass", type: "bandpass", description: "Bandpass with 0 dB peak gain; equals sox `bandpass f Nq`.", freq: 1000, q: 0.7071, gain: false },
  { uses: "eq.notch", type: "notch", description: "Notch (band reject); equals sox `bandreject f Nq`.", freq: 1000, q: 0.7071, gain: false }
]

/** Coefficients of one band; `uses` is one of the single-band EQ names. */
export const bandCoefficients = (uses: string, p: FilterParams, sampleRate: number): BiquadCoefficients => {
  const spec = specs.find((s) => s.uses === uses)
  if (spec === undefined) throw new ParameterError({ parameter: "EQ", message: `not a single-band EQ: ${uses}` })
  try {
    return designBiquad({ type: spec.type, freq: p.freq, q: p.q, gainDb: spec.gain ? p.gain_db : 0 }, sampleRate)
  } catch (e) {
    throw withContext(e, `${uses}`)
  }
}

const definitionOf = (spec: FilterSpec): EffectDefinition<FilterParams> =>
  inPlaceEffect<FilterParams>({
    uses: spec.uses,
    description: spec.description,
    params: object({ freq: freq(spec.freq), q: q(spec.q), ...(spec.gain ? { gain_db: gainDb } : {}) }),
    processInto: (input, output, sampleRate, params) => {
      runBiquads([bandCoefficients(spec.uses, params, sampleRate)], input, output)
    }
  })

export const filterEffects: ReadonlyArray<EffectDefinition<FilterParams>> = specs.map(definitionOf)

export const singleBandUses: ReadonlyArray<string> = specs.map((s) => s.uses)

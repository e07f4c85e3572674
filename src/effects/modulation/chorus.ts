import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { integer, number, object } from "../../params/schema.js"
import type { LfoShape } from "../../dsp/lfo.js"
import { lfoPhaseParam, lfoShapeParam, mixParam } from "./lfo-params.js"
import { modulatedDelay, modulatedDelayInto, type ModulatedDelaySettings } from "./modulated-delay.js"

export interface ChorusParams {
  readonly rate_hz: number
  readonly depth_ms: number
  readonly centre_delay_ms: number
  readonly feedback: number
  readonly mix: number
  readonly voices: number
  readonly lfo_shape: LfoShape
  readonly phase: number
}

/**
 * Chorus: `voices` copies read from one delay line at centre_delay_ms ± depth_ms, each
 * voice's LFO offset by 360°/voices, averaged, optionally fed back, mixed with the dry
 * signal. Delays below 2 samples are clamped.
 */
export const chorus = (input: Float32Array, sampleRate: number, p: ChorusParams): Float32Array => modulatedDelay(input, sampleRate, chorusSettings(sampleRate, p))

/** The modulated-delay settings of {@link chorus}. */
const chorusSettings = (sampleRate: number, p: ChorusParams): ModulatedDelaySettings => {
  const ms = sampleRate / 1000
  return {
    baseSamples: p.centre_delay_ms * ms,
    amplitudeSamples: p.depth_ms * ms,
    rateHz: p.rate_hz,
    shape: p.lfo_shape,
    phaseCycles: p.phase / 360,
    voices: p.voices,
    feedback: p.feedback,
    mix: p.mix
  }
}

export const chorusEffect: EffectDefinition<ChorusParams> = inPlaceEffect<ChorusParams>({
  uses: "mod.chorus",
  description:
    "Chorus: several voices read from a cubic-interpolated delay line at centre_delay_ms ± depth_ms, LFO phases spread evenly, " +
    "averaged, with optional feedback and wet/dry mix.",
  params: object({
    rate_hz: number({ description: "LFO rate", unit: "Hz", minimum: 0, maximum: 20, default: 0.8 }),
    depth_ms: number({ description: "Peak delay deviation around the centre delay", unit: "ms", minimum: 0, maximum: 25, default: 2 }),
    centre_delay_ms: number({ description: "Delay at the LFO's centre", unit: "ms", minimum: 0, maximum: 100, default: 15 }),
    feedback: number({ description: "Share of the wet signal fed back into the delay line", minimum: -0.95, maximum: 0.95, default: 0 }),
    mix: mixParam(0.5),
    voices: integer({ description: "Number of delayed voices, LFO phases spread by 360°/voices", minimum: 1, maximum: 8, default: 3 }),
    lfo_shape: lfoShapeParam,
    phase: lfoPhaseParam
  }),
  processInto: (input, output, sampleRate, params) => modulatedDelayInto(input, output, sampleRate, chorusSettings(sampleRate, params))
})

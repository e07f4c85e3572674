import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { number, object } from "../../params/schema.js"
import type { LfoShape } from "../../dsp/lfo.js"
import { lfoPhaseParam, lfoShapeParam, mixParam } from "./lfo-params.js"
import { modulatedDelay, modulatedDelayInto, type ModulatedDelaySettings } from "./modulated-delay.js"

export interface FlangerParams {
  readonly rate_hz: number
  readonly depth_ms: number
  readonly delay_ms: number
  readonly feedback: number
  readonly mix: number
  readonly lfo_shape: LfoShape
  readonly phase: number
}

/**
 * Flanger: one short delayed copy whose delay sweeps between delay_ms and
 * delay_ms + depth_ms (delay = delay_ms + depth_ms · (1 + lfo) / 2), fed back and mixed
 * with the dry signal — a comb filter whose teeth move. Delays below 2 samples are clamped.
 */
export const flanger = (input: Float32Array, sampleRate: number, p: FlangerParams): Float32Array => modulatedDelay(input, sampleRate, flangerSettings(sampleRate, p))

/** The modulated-delay settings of {@link flanger}. */
const flangerSettings = (sampleRate: number, p: FlangerParams): ModulatedDelaySettings => {
  const ms = sampleRate / 1000
  return {
    baseSamples: (p.delay_ms + p.depth_ms / 2) * ms,
    amplitudeSamples: (p.depth_ms / 2) * ms,
    rateHz: p.rate_hz,
    shape: p.lfo_shape,
    phaseCycles: p.phase / 360,
    voices: 1,
    feedback: p.feedback,
    mix: p.mix
  }
}

export const flangerEffect: EffectDefinition<FlangerParams> = inPlaceEffect<FlangerParams>({
  uses: "mod.flanger",
  description:
    "Flanger: a cubic-interpolated delay sweeping from delay_ms to delay_ms + depth_ms, with feedback and wet/dry mix.",
  params: object({
    rate_hz: number({ description: "LFO rate", unit: "Hz", minimum: 0, maximum: 10, default: 0.25 }),
    depth_ms: number({ description: "Sweep width above the minimum delay", unit: "ms", minimum: 0, maximum: 10, default: 2 }),
    delay_ms: number({ description: "Minimum delay of the sweep", unit: "ms", minimum: 0, maximum: 20, default: 0.5 }),
    feedback: number({ description: "Share of the wet signal fed back into the delay line", minimum: -0.95, maximum: 0.95, default: 0.5 }),
    mix: mixParam(0.5),
    lfo_shape: lfoShapeParam,
    phase: lfoPhaseParam
  }),
  processInto: (input, output, sampleRate, params) => modulatedDelayInto(input, output, sampleRate, flangerSettings(sampleRate, params))
})

import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { number, object } from "../../params/schema.js"
import { DelayLine } from "../../dsp/delay-line.js"
import type { LfoShape } from "../../dsp/lfo.js"
import { lfoPhaseParam, lfoShapeParam } from "./lfo-params.js"
import { modulatedDelay, modulatedDelayInto, type ModulatedDelaySettings } from "./modulated-delay.js"

export interface VibratoParams {
  readonly rate_hz: number
  readonly depth_ms: number
  readonly lfo_shape: LfoShape
  readonly phase: number
}

/**
 * Vibrato: the wet signal only, read at a delay of 2 samples + depth_ms · (1 + lfo), so
 * the pitch swings by the delay's rate of change: with a sine LFO the frequency ratio
 * is 1 - 2π·rate_hz·depth_s·cos(...), a peak deviation of 2π·rate_hz·depth_ms/1000.
 * The output lags the input by the mean delay (2 samples + depth_ms).
 */
export const vibrato = (input: Float32Array, sampleRate: number, p: VibratoParams): Float32Array => modulatedDelay(input, sampleRate, vibratoSettings(sampleRate, p))

/** The modulated-delay settings of {@link vibrato}. */
const vibratoSettings = (sampleRate: number, p: VibratoParams): ModulatedDelaySettings => {
  const depth = (p.depth_ms * sampleRate) / 1000
  return {
    baseSamples: DelayLine.minDelay + depth,
    amplitudeSamples: depth,
    rateHz: p.rate_hz,
    shape: p.lfo_shape,
    phaseCycles: p.phase / 360,
    voices: 1,
    feedback: 0,
    mix: 1
  }
}

export const vibratoEffect: EffectDefinition<VibratoParams> = inPlaceEffect<VibratoParams>({
  uses: "mod.vibrato",
  description:
    "Vibrato: pitch modulation by a delay swept by the LFO (wet only); peak frequency deviation 2π·rate_hz·depth_ms/1000.",
  params: object({
    rate_hz: number({ description: "LFO rate", unit: "Hz", minimum: 0, maximum: 20, default: 5 }),
    depth_ms: number({ description: "Peak delay deviation", unit: "ms", minimum: 0, maximum: 10, default: 0.5 }),
    lfo_shape: lfoShapeParam,
    phase: lfoPhaseParam
  }),
  processInto: (input, output, sampleRate, params) => modulatedDelayInto(input, output, sampleRate, vibratoSettings(sampleRate, params))
})

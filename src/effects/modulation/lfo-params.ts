import { number, oneOf } from "../../params/schema.js"
import { lfoShapes } from "../../dsp/lfo.js"

/** The LFO keys every modulation effect shares. */
export const lfoShapeParam = oneOf(lfoShapes, { description: "LFO waveform", default: "sine", distribution: true })

export const lfoPhaseParam = number({
  description: "LFO start phase (0 = at the centre, rising)",
  unit: "deg",
  minimum: 0,
  maximum: 360,
  default: 0
})

export const mixParam = (fallback: number) =>
  number({ description: "Wet share of the output: (1 - mix)·dry + mix·wet", minimum: 0, maximum: 1, default: fallback })

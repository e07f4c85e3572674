import { object, number } from "../../schema/param-schema.js"
import { pluckInto } from "../../audio/generators/karplus-strong.js"
import { midiToFreq } from "../../audio/generators/pitch.js"
import { amplitudeParam, pitchParams, weightParam } from "./common-params.js"
import { drawEvents } from "./events.js"
import { eventKey, type SyntheticGenerator } from "./generator.js"

/** Karplus-Strong string keys shared by `pluck` and `chords`. */
export const stringParams = {
  decay: number({ description: "T60 of each note's fundamental (time to fall 60 dB)", minimum: 0.05, maximum: 30, default: 2, unit: "s" }),
  brightness: number({ description: "0 = dark (damped loop, soft pick) … 1 = bright (undamped)", minimum: 0, maximum: 1, default: 0.6 }),
  pick_position: number({ description: "Pluck point as a fraction of the string length (comb notches); 0 = off", minimum: 0, maximum: 0.5, default: 0.13 })
} as const

export const pluckGenerator: SyntheticGenerator = {
  uses: "pluck",
  description: "Plucked-string notes (extended Karplus-Strong), tuned to a fraction of a cent",
  params: object({
    weight: weightParam,
    ...pitchParams,
    ...stringParams,
    amplitude: amplitudeParam("Peak of each note's excitation", 0.5)
  }),
  render: (p, out, ctx) => {
    const events = drawEvents(p, ctx.seconds, ctx.rng)
    events.forEach((e, i) => {
      const freq = midiToFreq(e.midi)
      ctx.label(eventKey("note", i, events.length), e.midi)
      ctx.label(eventKey("freq", i, events.length), freq)
      ctx.label(eventKey("onset", i, events.length), e.onset)
      pluckInto(
        out,
        e.onset * ctx.sampleRate,
        ctx.sampleRate,
        {
          freq,
          decay: p["decay"] as number,
          brightness: p["brightness"] as number,
          pickPosition: p["pick_position"] as number,
          amplitude: p["amplitude"] as number
        },
        ctx.rng.fork(i)
      )
    })
  }
}

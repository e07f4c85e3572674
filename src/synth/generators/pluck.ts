import { object, number } from "../../params/schema.js"
import { pluckInto } from "../../audio/generators/karplus-strong.js"
import { amplitudeParam, pitchParams, weightParam } from "./common-params.js"
import { renderNoteEvents } from "./events.js"
import type { SyntheticGenerator } from "./generator.js"

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
  render: (p, out, ctx) =>
    renderNoteEvents(p, ctx, (freq, onset, rng) =>
      pluckInto(
        out,
        onset,
        ctx.sampleRate,
        {
          freq,
          decay: p["decay"] as number,
          brightness: p["brightness"] as number,
          pickPosition: p["pick_position"] as number,
          amplitude: p["amplitude"] as number
        },
        rng
      )
    )
}

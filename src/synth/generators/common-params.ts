import { integer, number, oneOf } from "../../params/schema.js"
import { noteNames, scaleNames } from "../../audio/generators/pitch.js"

/** `weight`: how often a clip picks this generator (select = "one"), or its gain in a mix (select = "all"). */
export const weightParam = number({
  description: "Relative weight: probability of being picked (select = \"one\") or mix gain (select = \"all\")",
  minimum: 0,
  default: 1,
  distribution: false
})

export const amplitudeParam = (description: string, value: number) => number({ description, minimum: 0, maximum: 1, default: value })

/** Pitch and onset keys shared by `pluck` and `note`. */
export const pitchParams = {
  note: number({ description: "MIDI note of every event (fractional = microtonal); overrides note_low/note_high/key/scale", minimum: 0, maximum: 127, unit: "MIDI" }),
  note_low: integer({ description: "Lowest MIDI note drawn (40 = E2)", minimum: 0, maximum: 127, default: 40, unit: "MIDI" }),
  note_high: integer({ description: "Highest MIDI note drawn (76 = E5)", minimum: 0, maximum: 127, default: 76, unit: "MIDI" }),
  key: oneOf(noteNames, { description: "Key (root) of the scale notes are drawn from", default: "E", distribution: true }),
  scale: oneOf(scaleNames, { description: "Scale notes are drawn from (chromatic = every note in range)", default: "chromatic", distribution: true }),
  notes: integer({ description: "Number of notes in the clip", minimum: 1, maximum: 256, default: 1 }),
  onsets: oneOf(["even", "random", "strum"], {
    description: "even: spread evenly after `start`; random: sorted uniform times; strum: `strum` seconds apart from `start`",
    default: "even",
    distribution: true
  }),
  start: number({ description: "Time of the first onset", minimum: 0, default: 0, unit: "s" }),
  strum: number({ description: "Gap between successive notes when onsets = \"strum\"", minimum: 0, maximum: 5, default: 0.05, unit: "s" })
} as const

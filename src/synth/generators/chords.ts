import { object, number, integer, oneOf } from "../../params/schema.js"
import { pluckInto } from "../../audio/generators/karplus-strong.js"
import { midiToFreq, noteNames } from "../../audio/generators/pitch.js"
import { chordKinds, chordModes, diatonicChord, guitarVoicing, type ChordKind, type ChordMode } from "../../audio/generators/chord-voicing.js"
import { amplitudeParam, weightParam } from "./common-params.js"
import { stringParams } from "./pluck.js"
import { eventKey, type SyntheticGenerator } from "./generator.js"

export const chordsGenerator: SyntheticGenerator = {
  uses: "chords",
  description: "Diatonic triads or seventh chords of a key, voiced on a guitar in standard tuning and strummed or arpeggiated (Karplus-Strong strings)",
  params: object({
    weight: weightParam,
    key: oneOf(noteNames, { description: "Key", default: "E", distribution: true }),
    mode: oneOf(chordModes, { description: "Major or natural-minor harmony", default: "major", distribution: true }),
    kind: oneOf(chordKinds, { description: "Triads or seventh chords", default: "triad", distribution: true }),
    degree: integer({ description: "Scale degree of every chord (1 = I … 7 = VII); unset = drawn uniformly per chord", minimum: 1, maximum: 7 }),
    chords: integer({ description: "Chords in the clip, evenly spaced from the start", minimum: 1, maximum: 64, default: 1 }),
    style: oneOf(["strum", "arpeggio"], { description: "strum: strings `strum` s apart; arpeggio: spread over the chord's slot", default: "strum", distribution: true }),
    strum: number({ description: "Time between successive strings in a strum", minimum: 0, maximum: 0.5, default: 0.02, unit: "s" }),
    direction: oneOf(["down", "up", "alternate"], { description: "Strum direction (down = low string first); alternate flips every chord", default: "down", distribution: true }),
    max_fret: integer({ description: "Highest fret of the bass note (9 keeps notes within E2…E5)", minimum: 0, maximum: 15, default: 9, distribution: false }),
    ...stringParams,
    amplitude: amplitudeParam("Peak of each string's excitation", 0.3)
  }),
  render: (p, out, ctx) => {
    const count = Math.max(1, Math.round(p["chords"] as number))
    const slot = ctx.seconds / count
    for (let c = 0; c < count; c++) {
      const rng = ctx.rng.fork(c)
      const degree = (p["degree"] as number | undefined) ?? rng.int(1, 7)
      const chord = diatonicChord(p["key"] as string, p["mode"] as ChordMode, degree, p["kind"] as ChordKind)
      const notes = guitarVoicing(chord, rng, p["max_fret"] as number)
      const dir = p["direction"] as string
      const up = dir === "up" || (dir === "alternate" && c % 2 === 1)
      const order = up ? [...notes].reverse() : notes
      const gap = p["style"] === "arpeggio" ? (slot * 0.5) / Math.max(1, notes.length) : (p["strum"] as number)
      ctx.label(eventKey("degree", c, count), degree)
      ctx.label(eventKey("root", c, count), chord.root)
      ctx.label(eventKey("quality", c, count), chord.quality)
      ctx.label(eventKey("notes", c, count), notes.join(","))
      ctx.label(eventKey("onset", c, count), c * slot)
      // Each chord rings until the next one is struck, then is damped over 20 ms (the
      // hand re-plucking the strings); the last one rings to the end of the clip.
      const first = Math.round(c * slot * ctx.sampleRate)
      const fade = Math.round(0.02 * ctx.sampleRate)
      const held = c === count - 1 ? out.length - first : Math.round(slot * ctx.sampleRate)
      const buf = new Float32Array(Math.max(0, Math.min(out.length - first, held + fade)))
      order.forEach((midi, s) => {
        // Strings of one strum differ a little in strength, as with a real pick.
        const velocity = rng.uniform(0.75, 1)
        pluckInto(
          buf,
          s * gap * ctx.sampleRate,
          ctx.sampleRate,
          {
            freq: midiToFreq(midi),
            decay: p["decay"] as number,
            brightness: p["brightness"] as number,
            pickPosition: p["pick_position"] as number,
            amplitude: (p["amplitude"] as number) * velocity
          },
          rng.fork(`string${s}`)
        )
      })
      for (let i = held; i < buf.length; i++) buf[i]! *= 1 - (i - held) / fade
      for (let i = 0; i < buf.length; i++) out[first + i]! += buf[i]!
    }
  }
}

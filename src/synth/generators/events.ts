import type { Rng } from "../../params/rng.js"
import { midiToFreq, scaleNotes, type ScaleName } from "../../audio/generators/pitch.js"
import { eventKey, type RenderContext } from "./generator.js"
import { DataError, ParameterError } from "../../errors/audioml-error.js"

export interface NoteEvent {
  readonly midi: number
  /** Seconds from the clip start. */
  readonly onset: number
}

/**
 * The notes of a pluck/note clip: `notes` events, each pitch a fixed `note` or drawn
 * uniformly from the notes of key/scale in [note_low, note_high], at onsets placed by
 * `onsets` (even / random / strum).
 */
export const drawEvents = (p: Readonly<Record<string, unknown>>, seconds: number, rng: Rng): NoteEvent[] => {
  const count = Math.max(1, Math.round(p["notes"] as number))
  const start = p["start"] as number
  const fixed = p["note"] as number | undefined
  let pool: number[] = []
  if (fixed === undefined) {
    const low = p["note_low"] as number
    const high = p["note_high"] as number
    if (low > high) throw new DataError({ message: `note_low (${low}) is above note_high (${high})` })
    pool = scaleNotes(low, high, p["key"] as string, p["scale"] as ScaleName)
    if (pool.length === 0) throw new DataError({ message: `no note of ${p["key"]} ${p["scale"]} lies in MIDI ${low}…${high}` })
  }
  const onsets: number[] = []
  const mode = p["onsets"] as string
  const span = Math.max(0, seconds - start)
  for (let i = 0; i < count; i++) {
    if (mode === "even") onsets.push(start + (i * span) / count)
    else if (mode === "strum") onsets.push(start + i * (p["strum"] as number))
    else if (mode === "random") onsets.push(start + rng.uniform(0, Math.max(0, span - 0.1)))
    else throw new ParameterError({ parameter: "onsets", message: `unknown onsets "${mode}" (expected even, random or strum)` })
  }
  onsets.sort((a, b) => a - b)
  return onsets.map((onset) => ({ midi: fixed ?? rng.pick(pool), onset }))
}

/**
 * Draws the clip's notes (drawEvents), labels each one's `note`, `freq` and `onset`, and
 * has `play` render it: its frequency, its onset in samples and its own rng stream
 * (forked by the note's index).
 */
export const renderNoteEvents = (
  p: Readonly<Record<string, unknown>>,
  ctx: RenderContext,
  play: (freq: number, onsetSamples: number, rng: Rng) => void
): void => {
  const events = drawEvents(p, ctx.seconds, ctx.rng)
  events.forEach((e, i) => {
    const freq = midiToFreq(e.midi)
    ctx.label(eventKey("note", i, events.length), e.midi)
    ctx.label(eventKey("freq", i, events.length), freq)
    ctx.label(eventKey("onset", i, events.length), e.onset)
    play(freq, e.onset * ctx.sampleRate, ctx.rng.fork(i))
  })
}

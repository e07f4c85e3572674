import { ParameterError } from "../../errors/audioml-error.js"
/**
 * Pitch helpers shared by the note-based generators: MIDI numbers, note names, keys and
 * scales. MIDI 69 = A4 = 440 Hz; guitar standard tuning spans E2 (40) to about E6.
 */
export const midiToFreq = (midi: number): number => 440 * 2 ** ((midi - 69) / 12)

export const freqToMidi = (freq: number): number => 69 + 12 * Math.log2(freq / 440)

export const noteNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"] as const
export type NoteName = (typeof noteNames)[number]

const flats: Readonly<Record<string, string>> = { Db: "C#", Eb: "D#", Gb: "F#", Ab: "G#", Bb: "A#" }

/** Pitch class (0 = C) of a key name such as "E", "F#" or "Bb". */
export const pitchClass = (name: string): number => {
  const index = noteNames.indexOf((flats[name] ?? name) as NoteName)
  if (index < 0) throw new ParameterError({ parameter: "key", message: `unknown key "${name}" (expected one of ${noteNames.join(", ")} or a flat name such as Bb)` })
  return index
}

/** "E2", "C#4": the name of a MIDI note (octave numbering with C4 = 60). */
export const midiName = (midi: number): string => `${noteNames[((midi % 12) + 12) % 12]}${Math.floor(midi / 12) - 1}`

/** Semitone steps above the key's root. */
export const scales = {
  chromatic: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  harmonic_minor: [0, 2, 3, 5, 7, 8, 11],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  major_pentatonic: [0, 2, 4, 7, 9],
  minor_pentatonic: [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10]
} as const satisfies Record<string, ReadonlyArray<number>>
export type ScaleName = keyof typeof scales
export const scaleNames = Object.keys(scales) as ScaleName[]

/** The MIDI notes in [low, high] (both included) that belong to `scale` in `key`. */
export const scaleNotes = (low: number, high: number, key: string, scale: ScaleName): number[] => {
  const root = pitchClass(key)
  const steps = scales[scale]
  if (steps === undefined) throw new ParameterError({ parameter: "scale", message: `unknown scale "${String(scale)}" (expected one of ${scaleNames.join(", ")})` })
  const allowed = new Set(steps.map((s) => (root + s) % 12))
  const out: number[] = []
  for (let m = Math.ceil(low); m <= Math.floor(high); m++) if (allowed.has(((m % 12) + 12) % 12)) out.push(m)
  return out
}

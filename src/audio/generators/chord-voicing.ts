import type { Rng } from "../../params/rng.js"
import { pitchClass } from "./pitch.js"
import { DataError, ParameterError } from "../../errors/audioml-error.js"

export const chordQualities = {
  maj: [0, 4, 7],
  min: [0, 3, 7],
  dim: [0, 3, 6],
  "7": [0, 4, 7, 10],
  maj7: [0, 4, 7, 11],
  m7: [0, 3, 7, 10],
  m7b5: [0, 3, 6, 10]
} as const satisfies Record<string, ReadonlyArray<number>>
export type ChordQuality = keyof typeof chordQualities

export const chordModes = ["major", "minor"] as const
export type ChordMode = (typeof chordModes)[number]
export const chordKinds = ["triad", "seventh"] as const
export type ChordKind = (typeof chordKinds)[number]

/** Diatonic harmony: scale steps and the chord built on each degree (I … VII). */
const diatonic: Readonly<Record<ChordMode, { steps: number[]; triad: ChordQuality[]; seventh: ChordQuality[] }>> = {
  major: {
    steps: [0, 2, 4, 5, 7, 9, 11],
    triad: ["maj", "min", "min", "maj", "maj", "min", "dim"],
    seventh: ["maj7", "m7", "m7", "maj7", "7", "m7", "m7b5"]
  },
  minor: {
    steps: [0, 2, 3, 5, 7, 8, 10],
    triad: ["min", "dim", "maj", "min", "min", "maj", "maj"],
    seventh: ["m7", "m7b5", "maj7", "m7", "m7", "maj7", "7"]
  }
}

export interface Chord {
  /** Pitch class of the root, 0 = C. */
  readonly root: number
  readonly quality: ChordQuality
  /** Pitch classes of the chord tones, root first. */
  readonly pitchClasses: ReadonlyArray<number>
}

/** The chord on scale degree 1…7 of a key. */
export const diatonicChord = (key: string, mode: ChordMode, degree: number, kind: ChordKind): Chord => {
  const table = diatonic[mode]
  if (table === undefined) throw new ParameterError({ parameter: "mode", message: `unknown mode "${mode}" (expected major or minor)` })
  const d = Math.round(degree)
  if (!(d >= 1 && d <= 7)) throw new ParameterError({ parameter: "chord degree", message: `chord degree must be 1…7, got ${degree}` })
  const root = (pitchClass(key) + table.steps[d - 1]!) % 12
  const quality = (kind === "seventh" ? table.seventh : table.triad)[d - 1]!
  return { root, quality, pitchClasses: chordQualities[quality].map((i) => (root + i) % 12) }
}

/** Standard tuning, low E string first. */
export const standardTuning: ReadonlyArray<number> = [40, 45, 50, 55, 59, 64]

/**
 * A guitar voicing: the root on the low E or A string at a fret ≤ maxFret, then on each
 * higher string the fret within a four-fret hand span [f, f+3] (open strings in first
 * position) that adds a chord tone not yet sounding, else the lowest such fret; a string
 * with no chord tone in reach is muted. Positions are tried from a random start and the
 * first that sounds every chord tone wins (the root position/fifth doubling of real
 * barre and open shapes falls out of this). Returns MIDI notes, low string first.
 */
export const guitarVoicing = (chord: Chord, rng: Rng, maxFret = 12, tuning: ReadonlyArray<number> = standardTuning): number[] => {
  const candidates: Array<{ string: number; fret: number }> = []
  for (let s = 0; s < Math.min(2, tuning.length); s++) {
    for (let f = 0; f <= maxFret; f++) if ((tuning[s]! + f) % 12 === chord.root) candidates.push({ string: s, fret: f })
  }
  if (candidates.length === 0) throw new DataError({ message: `no root position for the chord within fret ${maxFret}` })
  const startAt = rng.int(0, candidates.length - 1)
  let best: number[] = []
  let bestCovered = -1
  for (let c = 0; c < candidates.length; c++) {
    const { string, fret } = candidates[(startAt + c) % candidates.length]!
    const notes = voiceFrom(chord, tuning, string, fret)
    const covered = new Set(notes.map((m) => m % 12)).size
    if (covered > bestCovered) {
      best = notes
      bestCovered = covered
    }
    if (covered === chord.pitchClasses.length) break
  }
  return best
}

const voiceFrom = (chord: Chord, tuning: ReadonlyArray<number>, bass: number, fret: number): number[] => {
  const tones = new Set(chord.pitchClasses)
  const notes = [tuning[bass]! + fret]
  const sounding = new Set([chord.root])
  const strings: number[] = [bass]
  for (let s = bass + 1; s < tuning.length; s++) {
    let pick = -1
    for (let f = fret; f <= fret + 3; f++) {
      const pc = (tuning[s]! + f) % 12
      if (!tones.has(pc)) continue
      if (!sounding.has(pc)) {
        pick = f
        break
      }
      if (pick < 0) pick = f
    }
    if (pick < 0) continue
    notes.push(tuning[s]! + pick)
    strings.push(s)
    sounding.add((tuning[s]! + pick) % 12)
  }
  // A tone still missing (a seventh, say): move the highest doubled note onto it if reachable.
  for (const pc of chord.pitchClasses) {
    if (new Set(notes.map((m) => m % 12)).has(pc)) continue
    for (let j = notes.length - 1; j >= 1; j--) {
      const count = notes.filter((m) => m % 12 === notes[j]! % 12).length
      if (count < 2) continue
      const open = tuning[strings[j]!]!
      let moved = false
      for (let f = fret; f <= fret + 3; f++) {
        if ((open + f) % 12 === pc) {
          notes[j] = open + f
          moved = true
          break
        }
      }
      if (moved) break
    }
  }
  return notes
}

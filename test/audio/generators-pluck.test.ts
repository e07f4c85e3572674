import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { pluckInto } from "../../src/audio/generators/karplus-strong.js"
import { midiToFreq, scaleNotes } from "../../src/audio/generators/pitch.js"
import { chordModes, chordKinds, diatonicChord, guitarVoicing } from "../../src/audio/generators/chord-voicing.js"
import { cents, peakFrequency } from "./generators/spectrum.js"

const fs = 44100
const rmsDb = (x: Float32Array, from: number, to: number): number => {
  let s = 0
  for (let i = from; i < to; i++) s += x[i]! * x[i]!
  return 10 * Math.log10(s / (to - from) + 1e-30)
}

describe("Karplus-Strong pluck", () => {
  for (const midi of [40, 45, 57, 64, 76]) {
    it(`MIDI ${midi}: fundamental within 3 cents of ${midiToFreq(midi).toFixed(2)} Hz`, () => {
      const f = midiToFreq(midi)
      const x = pluckInto(new Float32Array(fs * 2), 0, fs, { freq: f, decay: 3, brightness: 0.6, pickPosition: 0.13, amplitude: 1 }, new Rng(midi))
      const measured = peakFrequency(x.subarray(2205, 2205 + 65536), fs, 1 << 19, f * 0.95, f * 1.05)
      expect(Math.abs(cents(measured, f))).toBeLessThan(3)
    })
  }

  it("decays: the envelope falls window by window and by about 60 dB per T60", () => {
    const f = midiToFreq(45)
    const x = pluckInto(new Float32Array(fs * 2), 0, fs, { freq: f, decay: 1, brightness: 0.8, pickPosition: 0, amplitude: 1 }, new Rng(5))
    const win = 2205
    const levels: number[] = []
    for (let start = win; start + win <= x.length; start += win) levels.push(rmsDb(x, start, start + win))
    for (let i = 1; i < levels.length; i++) expect(levels[i]!).toBeLessThan(levels[i - 1]! + 0.5)
    // Fundamental decays 60 dB/s; the upper partials faster, so the total falls at least ~50 dB in 1 s.
    const drop = rmsDb(x, 2205, 4410) - rmsDb(x, 2205 + fs, 4410 + fs)
    expect(drop).toBeGreaterThan(50)
    expect(drop).toBeLessThan(90)
  })

  it("darker for lower brightness (less energy above 2 kHz)", () => {
    const f = midiToFreq(52)
    const hi = (b: number): number => {
      const x = pluckInto(new Float32Array(fs), 0, fs, { freq: f, decay: 2, brightness: b, pickPosition: 0.13, amplitude: 1 }, new Rng(1))
      // crude high-pass: first difference, then level
      const d = new Float32Array(x.length - 1)
      for (let i = 1; i < x.length; i++) d[i - 1] = x[i]! - x[i - 1]!
      return rmsDb(d, 0, d.length) - rmsDb(x, 0, x.length)
    }
    expect(hi(0.1)).toBeLessThan(hi(0.9) - 6)
  })

  it("starts at the onset and leaves what was before it untouched", () => {
    const out = new Float32Array(fs)
    out[0] = 0.25
    pluckInto(out, 1000, fs, { freq: 220, decay: 1, brightness: 0.5, pickPosition: 0.1, amplitude: 0.5 }, new Rng(2))
    expect(out[0]).toBe(0.25)
    expect(out.subarray(1, 1000).every((v) => v === 0)).toBe(true)
    expect(Math.abs(out[1000]!) + Math.abs(out[1001]!) + Math.abs(out[1002]!)).toBeGreaterThan(0)
  })
})

describe("scales", () => {
  it("lists the notes of a key and scale in a MIDI range", () => {
    expect(scaleNotes(40, 52, "E", "minor_pentatonic")).toEqual([40, 43, 45, 47, 50, 52])
    expect(scaleNotes(60, 72, "C", "major")).toEqual([60, 62, 64, 65, 67, 69, 71, 72])
    expect(() => scaleNotes(40, 52, "H", "major")).toThrow(/unknown key "H"/)
  })
})

describe("chords", () => {
  it("builds the diatonic chords of a key", () => {
    expect(diatonicChord("C", "major", 5, "seventh")).toMatchObject({ root: 7, quality: "7", pitchClasses: [7, 11, 2, 5] })
    expect(diatonicChord("A", "minor", 1, "triad")).toMatchObject({ root: 9, quality: "min", pitchClasses: [9, 0, 4] })
    expect(diatonicChord("G", "major", 7, "triad")).toMatchObject({ root: 6, quality: "dim", pitchClasses: [6, 9, 0] })
  })

  it("voices every diatonic triad and seventh chord of every key like a guitar, with all its pitch classes", () => {
    const rng = new Rng(9)
    for (let key = 0; key < 12; key++) {
      for (const mode of chordModes) {
        for (const kind of chordKinds) {
          for (let degree = 1; degree <= 7; degree++) {
            const chord = diatonicChord(["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"][key]!, mode, degree, kind)
            const notes = guitarVoicing(chord, rng, 9)
            const pcs = new Set(notes.map((m) => m % 12))
            expect([...pcs].sort()).toEqual([...new Set(chord.pitchClasses)].sort())
            expect(notes[0]! % 12).toBe(chord.root)
            expect(notes.length).toBeGreaterThanOrEqual(4)
            expect(Math.min(...notes)).toBeGreaterThanOrEqual(40)
            expect(Math.max(...notes)).toBeLessThanOrEqual(76)
            for (let i = 1; i < notes.length; i++) expect(notes[i]!).toBeGreaterThan(notes[i - 1]!)
          }
        }
      }
    }
  })
})

import { describe, expect, it } from "vitest"
import { runStage, testContext } from "../helpers/stage-context.js"
import { sourceSynthetic, guitarDiGenerators } from "../../src/stages/source-synthetic.js"
import { decodeAudioSet, type Clip } from "../../src/stages/artifacts/audio-set.js"
import { midiToFreq } from "../../src/audio/generators/pitch.js"
import { cents, peakFrequency, powerSpectrum } from "../audio/generators/spectrum.js"
import type { Artifact } from "../../src/engine/artifact.js"

const fs = 22050
const synth = async (params: Record<string, unknown>, seed = 1): Promise<Clip[]> =>
  decodeAudioSet(await runStage(sourceSynthetic, { sample_rate: fs, seconds: 1, clips: 2, ...params }, {}, testContext("dry", seed))).clips
const peak = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
const sameBytes = (a: Artifact, b: Artifact) =>
  [...a.files.keys()].join() === [...b.files.keys()].join() && [...a.files].every(([k, v]) => Buffer.from(v).equals(Buffer.from(b.files.get(k)!)))

describe("source.synthetic", () => {
  it("sine: drawn frequency is labelled and is where the FFT peak is", async () => {
    const clips = await synth({ clips: 3, generators: [{ uses: "sine", freq: { uniform: [200, 2000] }, amplitude: 0.25 }] })
    expect(clips.map((c) => c.id)).toEqual(["synth-00000", "synth-00001", "synth-00002"])
    const freqs = new Set<number>()
    for (const clip of clips) {
      const f = clip.labels["gen.sine.freq"] as number
      expect(f).toBeGreaterThanOrEqual(200)
      expect(f).toBeLessThanOrEqual(2000)
      freqs.add(f)
      expect(clip.labels["gen.uses"]).toBe("sine")
      expect(clip.labels["gen.sine.amplitude"]).toBe(0.25)
      expect(Math.abs(peakFrequency(clip.audio.channels[0]!, fs) - f)).toBeLessThan(0.1)
      expect(peak(clip.audio.channels[0]!)).toBeCloseTo(0.25, 3)
    }
    expect(freqs.size).toBe(3)
  })

  it("sweep, noise and impulse render with their labels", async () => {
    const [sweep] = await synth({ clips: 1, generators: [{ uses: "sweep", f0: 100, f1: 5000, kind: "linear" }] })
    expect(sweep!.labels).toMatchObject({ "gen.sweep.f0": 100, "gen.sweep.f1": 5000, "gen.sweep.kind": "linear" })
    const [hi] = await synth({ clips: 1, sample_rate: 16000, generators: [{ uses: "sweep" }] })
    expect(hi!.labels["gen.sweep.f1"]).toBe(16000 * 0.49)
    const [noise] = await synth({ clips: 1, generators: [{ uses: "noise", colour: { choice: ["pink"] }, amplitude: 0.1 }] })
    expect(noise!.labels["gen.noise.colour"]).toBe("pink")
    const x = noise!.audio.channels[0]!
    expect(Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length)).toBeCloseTo(0.1, 3)
    const [imp] = await synth({ clips: 1, generators: [{ uses: "impulse", position: 0.5 }] })
    const y = imp!.audio.channels[0]!
    expect(y[fs / 2]).toBe(1)
    expect(y.filter((v) => v !== 0).length).toBe(1)
  })

  it("pluck: labelled notes sound at their pitch, from the key and scale, inside the range", async () => {
    const clips = await synth({
      clips: 4,
      seconds: 1.5,
      generators: [{ uses: "pluck", key: "A", scale: "minor_pentatonic", note_low: 45, note_high: 69, decay: 3 }]
    })
    for (const clip of clips) {
      const note = clip.labels["gen.pluck.note"] as number
      expect([0, 3, 5, 7, 10].map((s) => (9 + s) % 12)).toContain(note % 12)
      expect(note).toBeGreaterThanOrEqual(45)
      expect(note).toBeLessThanOrEqual(69)
      expect(clip.labels["gen.pluck.freq"]).toBeCloseTo(midiToFreq(note), 9)
      const f = midiToFreq(note)
      const measured = peakFrequency(clip.audio.channels[0]!.subarray(1000), fs, 1 << 18, f * 0.95, f * 1.05)
      expect(Math.abs(cents(measured, f))).toBeLessThan(3)
      expect(clip.labels).toHaveProperty("gen.pluck.decay", 3)
      expect(clip.labels).toHaveProperty("gen.pluck.brightness", 0.6)
    }
  })

  it("integer parameters drawn from uniform take whole values, ends included; several notes get indexed labels", async () => {
    const clips = await synth({ clips: 24, seconds: 0.3, generators: [{ uses: "pluck", notes: { uniform: [1, 3] }, onsets: "strum", strum: 0.05, decay: 0.2 }] })
    const counts = clips.map((c) => c.labels["gen.pluck.notes"] as number)
    expect(new Set(counts)).toEqual(new Set([1, 2, 3]))
    for (const clip of clips) {
      const n = clip.labels["gen.pluck.notes"] as number
      if (n === 1) expect(clip.labels).toHaveProperty("gen.pluck.note")
      else for (let i = 0; i < n; i++) expect(clip.labels[`gen.pluck.onset[${i}]`]).toBeCloseTo(0.05 * i, 9)
    }
  })

  it("note: a filtered, enveloped synth note at the labelled pitch", async () => {
    const [clip] = await synth({
      clips: 1,
      generators: [{ uses: "note", note: 57, waveform: "square", cutoff: 3000, resonance: 4, attack: 0.05, decay: 0.1, sustain: 0.5, release: 0.1, duration: 0.6 }]
    })
    const x = clip!.audio.channels[0]!
    expect(clip!.labels).toMatchObject({ "gen.note.note": 57, "gen.note.waveform": "square", "gen.note.resonance": 4 })
    expect(Math.abs(cents(peakFrequency(x.subarray(2000, 12000), fs, 1 << 17, 200, 240), 220))).toBeLessThan(5)
    const level = (a: number, b: number) => peak(x.subarray(Math.round(a * fs), Math.round(b * fs)))
    expect(level(0, 0.01)).toBeLessThan(level(0.04, 0.06))
    expect(level(0.3, 0.55)).toBeLessThan(level(0.04, 0.06))
    expect(level(0.75, 1)).toBe(0)
  })

  it("chords: the labelled voicing has the chord's pitch classes, and they sound", async () => {
    const clips = await synth({ clips: 3, seconds: 1.5, generators: [{ uses: "chords", key: "G", mode: "major", kind: "seventh" }] })
    const major = [0, 2, 4, 5, 7, 9, 11]
    const sevenths: Record<string, number[]> = { maj7: [0, 4, 7, 11], m7: [0, 3, 7, 10], "7": [0, 4, 7, 10], m7b5: [0, 3, 6, 10] }
    for (const clip of clips) {
      const degree = clip.labels["gen.chords.degree"] as number
      const root = (7 + major[degree - 1]!) % 12
      expect(clip.labels["gen.chords.root"]).toBe(root)
      const quality = clip.labels["gen.chords.quality"] as string
      const notes = String(clip.labels["gen.chords.notes"]).split(",").map(Number)
      expect(new Set(notes.map((m) => m % 12))).toEqual(new Set(sevenths[quality]!.map((i) => (root + i) % 12)))
      // Every voiced note stands above the notes a semitone either side of it (chroma check).
      const p = powerSpectrum(clip.audio.channels[0]!.subarray(2000, 2000 + 16384), 1 << 16)
      const at = (midi: number) => {
        const k = Math.round((midiToFreq(midi) / fs) * (1 << 16))
        return Math.max(p[k - 1]!, p[k]!, p[k + 1]!)
      }
      const played = new Set(notes)
      for (const m of notes) {
        for (const n of [m - 1, m + 1]) if (!played.has(n)) expect(10 * Math.log10(at(m) / at(n))).toBeGreaterThan(10)
      }
    }
  })

  it("select = one picks by weight; select = all sums every generator; mix labels its parts", async () => {
    const one = await synth({ clips: 40, seconds: 0.05, generators: [{ uses: "sine", weight: 0 }, { uses: "impulse", weight: 1 }, { uses: "noise", weight: 3 }] })
    const picked = one.map((c) => c.labels["gen.uses"])
    expect(picked).not.toContain("sine")
    expect(picked.filter((u) => u === "noise").length).toBeGreaterThan(picked.filter((u) => u === "impulse").length)
    const [all] = await synth({ clips: 1, select: "all", generators: [{ uses: "sine", freq: 300 }, { uses: "sine", freq: 500, weight: 0.5 }] })
    expect(all!.labels).toMatchObject({ "gen.sine[0].freq": 300, "gen.sine[1].freq": 500 })
    expect(all!.labels).not.toHaveProperty("gen.uses")
    const [mix] = await synth({
      clips: 1,
      generators: [{ uses: "mix", generators: [{ uses: "sine", freq: 1000 }, { uses: "noise", colour: "brown" }], weights: [1, 0.5] }]
    })
    expect(mix!.labels).toMatchObject({ "gen.uses": "mix", "gen.mix.sine.freq": 1000, "gen.mix.noise.colour": "brown", "gen.mix.noise.weight": 0.5 })
  })

  it("level_db peak-normalises each clip and is labelled", async () => {
    const clips = await synth({ clips: 3, level_db: { uniform: [-12, -6] }, generators: [{ uses: "pluck" }] })
    for (const clip of clips) {
      const db = clip.labels["level_db"] as number
      expect(db).toBeGreaterThanOrEqual(-12)
      expect(db).toBeLessThanOrEqual(-6)
      expect(20 * Math.log10(peak(clip.audio.channels[0]!))).toBeCloseTo(db, 3)
    }
  })

  it("the guitar-DI preset: plucks and chords in E2…E5 at −12…−6 dBFS peaks", async () => {
    const clips = await synth({ clips: 12, seconds: 2, level_db: { uniform: [-12, -6] }, generators: guitarDiGenerators })
    expect(new Set(clips.map((c) => c.labels["gen.uses"]))).toEqual(new Set(["pluck", "chords"]))
    for (const clip of clips) {
      const db = 20 * Math.log10(peak(clip.audio.channels[0]!))
      expect(db).toBeGreaterThanOrEqual(-12.001)
      expect(db).toBeLessThanOrEqual(-5.999)
      const notes = Object.entries(clip.labels)
        .filter(([k]) => /^gen\.(pluck\.note|chords\.notes)(\[\d+\])?$/.test(k))
        .flatMap(([, v]) => String(v).split(",").map(Number))
      expect(notes.length).toBeGreaterThan(0)
      for (const n of notes) {
        expect(n).toBeGreaterThanOrEqual(40)
        expect(n).toBeLessThanOrEqual(76)
      }
    }
  })

  it("is deterministic: same seed → identical bytes, another seed → different", async () => {
    const params = { sample_rate: fs, clips: 3, seconds: 0.5, generators: guitarDiGenerators }
    const a = await runStage(sourceSynthetic, params, {}, testContext("dry", 5))
    const b = await runStage(sourceSynthetic, params, {}, testContext("dry", 5))
    const c = await runStage(sourceSynthetic, params, {}, testContext("dry", 6))
    expect(sameBytes(a, b)).toBe(true)
    expect(sameBytes(a, c)).toBe(false)
  })

  it("reports bad generator settings by index and name", async () => {
    await expect(synth({ generators: [{ uses: "theremin" }] })).rejects.toThrow(/generators\[0\]\.uses: unknown generator "theremin"/)
    await expect(synth({ generators: [{ uses: "pluck", note_low: 70, note_high: 50 }] })).rejects.toThrow(/generators\[0\] \(pluck\): note_low \(70\) is above note_high \(50\)/)
    await expect(synth({ generators: [{ uses: "sine", freq: 20000 }] })).rejects.toThrow(/generators\[0\] \(sine\): freq 20000 Hz is not below Nyquist/)
  })
})

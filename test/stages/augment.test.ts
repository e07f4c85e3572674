import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { runStage, testContext } from "../helpers/stage-context.js"
import { augmentStage } from "../../src/stages/augment.js"
import { decodeAudioSet, encodeAudioSet, type Clip } from "../../src/stages/artifacts/audio-set.js"
import { decodePairedAudioSet, encodePairedAudioSet, type Pair } from "../../src/stages/artifacts/paired-audio-set.js"
import { encodeWav } from "../../src/audio/wav.js"
import { Rng } from "../../src/params/rng.js"
import { colouredNoise } from "../../src/audio/generators/noise.js"
import { sineInto } from "../../src/audio/generators/sine.js"
import { absPercentile } from "../../src/augment/clip.js"
import { welch } from "../audio/generators/spectrum.js"
import type { Artifact } from "../../src/engine/artifact.js"

const fs = 16000
const noise = (n: number, seed: number, rms = 0.1) => colouredNoise(new Float32Array(n), "pink", new Rng(seed)).map((v) => v * rms)
const mono = (x: Float32Array) => ({ sampleRate: fs, channels: [x] })
const clipSet = (count = 3, n = fs): Artifact =>
  encodeAudioSet({ clips: Array.from({ length: count }, (_, i): Clip => ({ id: `c${i}`, audio: mono(noise(n, i)), labels: { source: i } })) })

/** Pairs whose target is 0.5 · input delayed by 7 samples: a known, checkable relation. */
const pairSet = (count = 3, n = fs): Artifact =>
  encodePairedAudioSet({
    pairs: Array.from({ length: count }, (_, i): Pair => {
      const input = noise(n, 100 + i)
      const target = new Float32Array(n)
      for (let j = 7; j < n; j++) target[j] = 0.5 * input[j - 7]!
      return { id: `p${i}`, input: mono(input), target: mono(target), labels: {} }
    })
  })

const augmentClips = async (steps: unknown[], input = clipSet(), seed = 1, configDir?: string) =>
  decodeAudioSet(await runStage(augmentStage, { steps }, { audio: input }, testContext("aug", seed, configDir))).clips
const augmentPairs = async (steps: unknown[], input = pairSet(), seed = 1) =>
  decodePairedAudioSet(await runStage(augmentStage, { steps }, { audio: input }, testContext("aug", seed))).pairs
const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length)
const sameBytes = (a: Artifact, b: Artifact) =>
  [...a.files.keys()].join() === [...b.files.keys()].join() && [...a.files].every(([k, v]) => Buffer.from(v).equals(Buffer.from(b.files.get(k)!)))

describe("augment on AudioSets", () => {
  const original = decodeAudioSet(clipSet()).clips

  it("gain: multiplies by the labelled gain, keeps existing labels", async () => {
    const clips = await augmentClips([{ uses: "gain", gain_db: { uniform: [-12, 12] } }])
    for (const [i, clip] of clips.entries()) {
      const db = clip.labels["augment.gain.gain_db"] as number
      expect(Math.abs(db)).toBeLessThanOrEqual(12)
      expect(clip.labels["augment.gain.applied"]).toBe(true)
      expect(clip.labels["source"]).toBe(i)
      const x = original[i]!.audio.channels[0]!
      const y = clip.audio.channels[0]!
      for (let j = 0; j < x.length; j += 97) expect(y[j]).toBeCloseTo(x[j]! * 10 ** (db / 20), 6)
    }
  })

  it("polarity and reverse", async () => {
    const [pol] = await augmentClips([{ uses: "polarity" }])
    const [rev] = await augmentClips([{ uses: "reverse" }])
    const x = original[0]!.audio.channels[0]!
    expect(Array.from(pol!.audio.channels[0]!)).toEqual(Array.from(x, (v) => -v))
    expect(Array.from(rev!.audio.channels[0]!)).toEqual(Array.from(x).reverse())
  })

  it("noise: added at the labelled SNR, in the labelled colour", async () => {
    const clips = await augmentClips([{ uses: "noise", snr_db: { uniform: [5, 15] }, colour: { choice: ["white", "brown"] } }])
    for (const [i, clip] of clips.entries()) {
      const x = original[i]!.audio.channels[0]!
      const y = clip.audio.channels[0]!
      const added = y.map((v, j) => v - x[j]!)
      const snr = 20 * Math.log10(rms(x) / rms(added))
      expect(snr).toBeCloseTo(clip.labels["augment.noise.snr_db"] as number, 2)
      expect(["white", "brown"]).toContain(clip.labels["augment.noise.colour"])
    }
  })

  it("shift: delays or advances by the labelled time, zero-filled or wrapped", async () => {
    for (const wrap of [false, true]) {
      const clips = await augmentClips([{ uses: "shift", max_seconds: 0.05, wrap }])
      for (const [i, clip] of clips.entries()) {
        const k = Math.round((clip.labels["augment.shift.seconds"] as number) * fs)
        expect(Math.abs(k)).toBeLessThanOrEqual(0.05 * fs)
        const x = original[i]!.audio.channels[0]!
        const y = clip.audio.channels[0]!
        const n = x.length
        for (let j = 0; j < n; j += 13) {
          const from = j - k
          const expected = from >= 0 && from < n ? x[from]! : wrap ? x[((from % n) + n) % n]! : 0
          expect(y[j]).toBe(expected)
        }
      }
    }
  })

  it("crop: an excerpt of the requested length from the labelled start; shorter clips are padded", async () => {
    const clips = await augmentClips([{ uses: "crop", seconds: 0.25 }])
    for (const [i, clip] of clips.entries()) {
      const start = Math.round((clip.labels["augment.crop.start"] as number) * fs)
      expect(Array.from(clip.audio.channels[0]!)).toEqual(Array.from(original[i]!.audio.channels[0]!.subarray(start, start + fs / 4)))
    }
    const [long] = await augmentClips([{ uses: "crop", seconds: 2 }])
    expect(long!.audio.channels[0]!.length).toBe(2 * fs)
    expect(long!.audio.channels[0]!.subarray(fs).every((v) => v === 0)).toBe(true)
  })

  it("time_mask: silences the labelled stretch only", async () => {
    const clips = await augmentClips([{ uses: "time_mask", max_fraction: 0.3 }])
    for (const [i, clip] of clips.entries()) {
      const start = Math.round((clip.labels["augment.time_mask.start"] as number) * fs)
      const len = Math.round((clip.labels["augment.time_mask.seconds"] as number) * fs)
      expect(len).toBeLessThanOrEqual(0.3 * fs)
      const x = original[i]!.audio.channels[0]!
      const y = clip.audio.channels[0]!
      for (let j = 0; j < x.length; j++) expect(y[j]).toBe(j >= start && j < start + len ? 0 : x[j])
    }
  })

  it("clip: clips at the labelled percentile of |x|", async () => {
    const clips = await augmentClips([{ uses: "clip", percentile: 90 }])
    for (const [i, clip] of clips.entries()) {
      const x = original[i]!.audio.channels[0]!
      const t = clip.labels["augment.clip.threshold"] as number
      expect(t).toBeCloseTo(absPercentile([x], 90), 7)
      const y = clip.audio.channels[0]!
      const atLimit = y.filter((v) => Math.abs(Math.abs(v) - t) < 1e-7).length / y.length
      expect(atLimit).toBeGreaterThan(0.09)
      expect(atLimit).toBeLessThan(0.11)
      expect(Math.max(...y.map(Math.abs))).toBeLessThanOrEqual(t + 1e-7)
    }
  })

  it("resample: down and back up removes what lies above the lower Nyquist, keeps the rest and the length", async () => {
    const n = 1 << 15
    const white = encodeAudioSet({ clips: [{ id: "w", audio: { sampleRate: 44100, channels: [colouredNoise(new Float32Array(n), "white", new Rng(1))] }, labels: {} }] })
    const [clip] = await augmentClips([{ uses: "resample", rate: 8000 }], white)
    expect(clip!.labels["augment.resample.rate"]).toBe(8000)
    const y = clip!.audio.channels[0]!
    expect(y.length).toBe(n)
    const before = welch(decodeAudioSet(white).clips[0]!.audio.channels[0]!, 2048)
    const after = welch(y, 2048)
    const band = (p: Float64Array, f0: number, f1: number) => {
      let s = 0
      for (let k = Math.ceil((f0 / 44100) * 2048); k < (f1 / 44100) * 2048; k++) s += p[k]!
      return s
    }
    expect(10 * Math.log10(band(after, 200, 3000) / band(before, 200, 3000))).toBeGreaterThan(-0.5)
    expect(10 * Math.log10(band(after, 4500, 20000) / band(before, 4500, 20000))).toBeLessThan(-60)
  })

  it("filter: any eq.* effect, params drawn and labelled, validated against the effect's schema", async () => {
    const tones = encodeAudioSet({
      clips: [0, 1].map((i) => {
        const x = sineInto(new Float32Array(fs), fs, 6000, 0.5)
        sineInto(x, fs, 200, 0.5)
        return { id: `t${i}`, audio: mono(x), labels: {} }
      })
    })
    const clips = await augmentClips([{ uses: "filter", effect: { uses: "eq.lowpass", freq: { uniform: [500, 1000] } } }], tones)
    for (const clip of clips) {
      expect(clip.labels["augment.filter.effect"]).toBe("eq.lowpass")
      const f = clip.labels["augment.filter.freq"] as number
      expect(f).toBeGreaterThanOrEqual(500)
      expect(f).toBeLessThanOrEqual(1000)
      const p = welch(clip.audio.channels[0]!, 2048)
      const k = (hz: number) => Math.round((hz / fs) * 2048)
      expect(10 * Math.log10(p[k(6000)]! / p[k(200)]!)).toBeLessThan(-30)
    }
    await expect(augmentClips([{ uses: "filter", effect: { uses: "eq.lowpass", freq: -5 } }])).rejects.toThrow(/steps\[0\]\.effect\.freq/)
    await expect(augmentClips([{ uses: "filter", effect: { uses: "eq.lowpass", cutoff: 100 } }])).rejects.toThrow(/steps\[0\]\.effect.*cutoff/)
    await expect(augmentClips([{ uses: "filter", effect: { uses: "distortion.tanh" } }])).rejects.toThrow(/steps\[0\]\.effect\.uses: unknown EQ effect "distortion\.tanh"/)
  })

  it("background: a file and offset from a folder of WAVs at the labelled SNR; bad files are named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aug-bg-"))
    mkdirSync(join(dir, "bg", "sub"), { recursive: true })
    writeFileSync(join(dir, "bg", "hum.wav"), encodeWav(mono(colouredNoise(new Float32Array(fs / 2), "white", new Rng(7)).map((v) => 0.2 * v))))
    writeFileSync(join(dir, "bg", "sub", "rain.wav"), encodeWav({ sampleRate: 8000, channels: [colouredNoise(new Float32Array(8000), "white", new Rng(8))] }))
    const clips = await augmentClips([{ uses: "background", path: "bg", snr_db: 10 }], clipSet(6), 1, dir)
    const files = new Set<string>()
    for (const [i, clip] of clips.entries()) {
      files.add(clip.labels["augment.background.file"] as string)
      const x = decodeAudioSet(clipSet(6)).clips[i]!.audio.channels[0]!
      const added = clip.audio.channels[0]!.map((v, j) => v - x[j]!)
      expect(Math.abs(20 * Math.log10(rms(x) / rms(added)) - 10)).toBeLessThan(1)
      expect(clip.labels["augment.background.offset"]).toBeGreaterThanOrEqual(0)
    }
    expect(files).toEqual(new Set(["hum.wav", "sub/rain.wav"]))
    writeFileSync(join(dir, "bg", "broken.wav"), "not a wav at all")
    await expect(augmentClips([{ uses: "background", path: "bg" }], clipSet(), 1, dir)).rejects.toThrow(/steps\[0\]: background .*broken\.wav: not a/)
    await expect(augmentClips([{ uses: "background", path: "nowhere" }], clipSet(), 1, dir)).rejects.toThrow(/steps\[0\]\.path: .*nowhere does not exist/)
  })

  it("p: steps fire with their probability, and a skipped step leaves the clip untouched", async () => {
    const input = clipSet(40, 256)
    const clips = await augmentClips([{ uses: "polarity", p: 0.5 }], input)
    const fired = clips.filter((c) => c.labels["augment.polarity.applied"] === true).length
    expect(fired).toBeGreaterThan(8)
    expect(fired).toBeLessThan(32)
    const orig = decodeAudioSet(input).clips
    for (const [i, clip] of clips.entries()) {
      const sign = clip.labels["augment.polarity.applied"] ? -1 : 1
      expect(clip.audio.channels[0]![5]).toBe(sign * orig[i]!.audio.channels[0]![5]!)
    }
    const none = await augmentClips([{ uses: "gain", p: 0 }])
    expect(none.every((c) => c.labels["augment.gain.applied"] === false && !("augment.gain.gain_db" in c.labels))).toBe(true)
  })

  it("a repeated step type gets indexed labels", async () => {
    const [clip] = await augmentClips([{ uses: "gain", gain_db: 3 }, { uses: "noise" }, { uses: "gain", gain_db: -1 }])
    expect(clip!.labels).toMatchObject({ "augment.gain[0].gain_db": 3, "augment.gain[1].gain_db": -1, "augment.noise.applied": true })
  })

  it("is deterministic: same seed → identical bytes, another seed → different", async () => {
    const steps = [{ uses: "gain" }, { uses: "noise" }, { uses: "shift" }, { uses: "time_mask" }, { uses: "polarity", p: 0.5 }]
    const a = await runStage(augmentStage, { steps }, { audio: clipSet() }, testContext("aug", 3))
    const b = await runStage(augmentStage, { steps }, { audio: clipSet() }, testContext("aug", 3))
    const c = await runStage(augmentStage, { steps }, { audio: clipSet() }, testContext("aug", 4))
    expect(sameBytes(a, b)).toBe(true)
    expect(sameBytes(a, c)).toBe(false)
  })

  it("rejects unknown steps by index", async () => {
    await expect(augmentClips([{ uses: "gain" }, { uses: "pitch_shift" }])).rejects.toThrow(/steps\[1\]\.uses: unknown augmentation step "pitch_shift"/)
  })
})

describe("augment on pairs: one draw for both sides", () => {
  const original = decodePairedAudioSet(pairSet()).pairs

  /** target[j] = 0.5 · input[j − lag] over the interior, within float tolerance. */
  const expectRelation = (pair: Pair, ratio: number, lag: number) => {
    const x = pair.input.channels[0]!
    const y = pair.target.channels[0]!
    let checked = 0
    for (let j = lag + 200; j < x.length - 200; j++) {
      if (x[j - lag] === 0) continue
      expect(y[j]!).toBeCloseTo(ratio * x[j - lag]!, 6)
      checked++
    }
    expect(checked).toBeGreaterThan(x.length / 4)
  }

  it("gain, polarity, shift and crop on both keep the target/input ratio and the alignment", async () => {
    const pairs = await augmentPairs([{ uses: "gain", gain_db: { uniform: [-10, 10] } }, { uses: "polarity" }, { uses: "shift", max_seconds: 0.1 }, { uses: "crop", seconds: 0.5 }])
    for (const pair of pairs) {
      expect(pair.input.channels[0]!.length).toBe(fs / 2)
      expect(pair.target.channels[0]!.length).toBe(fs / 2)
      expectRelation(pair, 0.5, 7)
      expect(pair.labels["augment.gain.gain_db"]).not.toBe(0)
    }
  })

  it("noise defaults to the input only; the target is untouched", async () => {
    const pairs = await augmentPairs([{ uses: "noise", snr_db: 20 }])
    for (const [i, pair] of pairs.entries()) {
      expect(Array.from(pair.target.channels[0]!)).toEqual(Array.from(original[i]!.target.channels[0]!))
      expect(Array.from(pair.input.channels[0]!)).not.toEqual(Array.from(original[i]!.input.channels[0]!))
    }
  })

  it("noise on both adds the same noise samples to input and target", async () => {
    const pairs = await augmentPairs([{ uses: "noise", snr_db: 10, apply_to: "both" }])
    for (const [i, pair] of pairs.entries()) {
      const dIn = pair.input.channels[0]!.map((v, j) => v - original[i]!.input.channels[0]![j]!)
      const dOut = pair.target.channels[0]!.map((v, j) => v - original[i]!.target.channels[0]![j]!)
      for (let j = 0; j < dIn.length; j += 31) expect(dOut[j]).toBeCloseTo(dIn[j]!, 6)
    }
  })

  it("gain on the input only changes the ratio by exactly the labelled gain; apply_to = target leaves the input", async () => {
    const pairs = await augmentPairs([{ uses: "gain", gain_db: 6, apply_to: "input" }])
    for (const pair of pairs) expectRelation(pair, 0.5 / 10 ** (6 / 20), 7)
    const t = await augmentPairs([{ uses: "reverse", apply_to: "target" }])
    for (const [i, pair] of t.entries()) {
      expect(Array.from(pair.input.channels[0]!)).toEqual(Array.from(original[i]!.input.channels[0]!))
      expect(Array.from(pair.target.channels[0]!)).toEqual(Array.from(original[i]!.target.channels[0]!).reverse())
    }
  })
})

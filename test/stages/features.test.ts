import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { readJsonFile } from "../../src/engine/artifact.js"
import { melSpectrogram } from "../../src/features/mel.js"
import { encodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { decodeFeatureSet, FEATURE_SET } from "../../src/stages/artifacts/feature-set.js"
import { encodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { featuresStage } from "../../src/stages/features.js"
import { builtinStages } from "../../src/stages/registry.js"
import { runStage } from "../helpers/stage-context.js"

const SR = 16000

const tone = (freq: number, seconds: number, amp = 0.3): Float32Array => {
  const y = new Float32Array(Math.round(seconds * SR))
  for (let i = 0; i < y.length; i++) y[i] = amp * Math.sin((2 * Math.PI * freq * i) / SR)
  return y
}

const audioSet = () =>
  encodeAudioSet({
    clips: [
      { id: "a/1", audio: { sampleRate: SR, channels: [tone(220, 1)] }, labels: { note: 57 }, split: "train" },
      { id: "b", audio: { sampleRate: SR, channels: [tone(440, 0.5), tone(440, 0.5, 0.1)] }, labels: { note: 69 } }
    ]
  })

describe("features stage", () => {
  it("is registered under uses = features", () => {
    expect(builtinStages.find((s) => s.uses === "features")).toBe(featuresStage)
  })

  it("computes the selected families of an AudioSet into a FeatureSet", async () => {
    const artifact = await runStage(featuresStage, {
      mel: { n_mels: 40, n_fft: 1024, hop: 256 },
      f0: { method: "yin", fmin: 80, fmax: 1000, frame_length: 1024, hop: 256 },
      loudness: { method: "lufs", hop: 256 }
    }, { audio: audioSet() })
    expect(artifact.kind).toBe(FEATURE_SET)
    const set = decodeFeatureSet(artifact)
    expect(set.items.map((i) => [i.id, i.source, i.split])).toEqual([["a/1", "audio", "train"], ["b", "audio", undefined]])
    const first = set.items[0]!
    expect(Object.keys(first.features).sort()).toEqual(["f0", "loudness", "loudness_short_term", "mel", "voiced", "voiced_prob"])
    expect(first.labels).toEqual({ note: 57 })
    const mel = first.features["mel"]!
    expect([mel.dims, mel.frames, mel.hop]).toEqual([40, 1 + Math.floor(SR / 256), 256])
    // the same numbers as the library function
    const direct = melSpectrogram(tone(220, 1), SR, { nMels: 40, nFft: 1024, hop: 256 })
    expect(Array.from(mel.data)).toEqual(Array.from(direct.data))
    expect(mel.times[1]).toBeCloseTo(256 / SR, 12)
    // the voiced middle of a 220 Hz tone
    const f0 = first.features["f0"]!
    expect(f0.data[30]).toBeCloseTo(220, 0)
    expect(first.scalars["lufs_integrated"]).toBeCloseTo(-0.691 + 10 * Math.log10(0.045) + 0, 0)
    // defaults were filled in and recorded
    const meta = readJsonFile<{ params: Record<string, Record<string, unknown>>; features: Record<string, { unit: string }> }>(artifact, "meta.json")
    expect(meta.params["mel"]!["scale"]).toBe("slaney")
    expect(meta.params["f0"]!["threshold"]).toBe(0.1)
    expect(meta.params["mfcc"]).toBeUndefined()
    expect(meta.features["f0"]!.unit).toBe("Hz")
    // files are numpy-readable float32 dims × frames
    const npy = decodeNpy(artifact.files.get("items/a_1/mel.npy")!)
    expect(npy.shape).toEqual([40, mel.frames])
    expect(npy.data).toBeInstanceOf(Float32Array)
    expect(artifact.files.has("items/a_1/times_256.npy")).toBe(true)
  })

  it("computes input and target of pairs with on = both, and only one side otherwise", async () => {
    const pairs = encodePairedAudioSet({
      pairs: [{ id: "p", input: { sampleRate: SR, channels: [tone(300, 0.5)] }, target: { sampleRate: SR, channels: [tone(300, 0.5, 0.05)] }, labels: {} }]
    })
    const both = decodeFeatureSet(await runStage(featuresStage, { on: "both", mfcc: {}, descriptors: {} }, { audio: pairs }))
    expect(both.items.map((i) => i.source)).toEqual(["input", "target"])
    expect(Object.keys(both.items[0]!.features).sort()).toEqual(["centroid", "flatness", "mfcc", "rms", "rolloff", "zcr"])
    const rmsIn = both.items[0]!.features["rms"]!.data[8]!
    const rmsOut = both.items[1]!.features["rms"]!.data[8]!
    expect(rmsIn / rmsOut).toBeCloseTo(6, 3)
    const target = decodeFeatureSet(await runStage(featuresStage, { mfcc: {} }, { audio: pairs }))
    expect(target.items.map((i) => i.source)).toEqual(["target"])
  })

  it("fails clearly when no feature is selected or a parameter is impossible", async () => {
    await expect(runStage(featuresStage, {}, { audio: audioSet() })).rejects.toMatchObject({ message: expect.stringMatching(/no feature selected/) })
    await expect(runStage(featuresStage, { mel: { fmax: 12000 } }, { audio: audioSet() })).rejects.toMatchObject({
      message: expect.stringMatching(/^mel: .*Nyquist/)
    })
  })
})

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { encodeWav } from "../../src/audio/wav.js"
import { decodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { sourceWavDir } from "../../src/stages/source-wav-dir.js"
import { rawWav } from "../audio/raw-wav.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { sameFiles, stageParams } from "./stage-params.js"

const tone = (n: number, freq: number, rate: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / rate))

const pcm16 = (x: Float32Array, channels = 1, rate = 16000) => {
  const data = new Uint8Array(x.length * 2 * channels)
  const v = new DataView(data.buffer)
  for (let i = 0; i < x.length; i++) for (let c = 0; c < channels; c++) v.setInt16((i * channels + c) * 2, Math.round(x[i]! * (c + 1) * 0.5 * 32767), true)
  return rawWav({ format: 1, channels, rate, bits: 16, data })
}

/** A folder of WAVs: two at 16 kHz (one stereo 16-bit), one at 8 kHz in a sub-folder, and a text file. */
const makeFolder = () => {
  const root = mkdtempSync(join(tmpdir(), "audioml-wavdir-"))
  mkdirSync(join(root, "data/sub"), { recursive: true })
  writeFileSync(join(root, "data/b.wav"), encodeWav({ sampleRate: 16000, channels: [tone(1600, 440, 16000)] }))
  writeFileSync(join(root, "data/a.wav"), pcm16(tone(1600, 220, 16000), 2))
  writeFileSync(join(root, "data/sub/c.WAV"), encodeWav({ sampleRate: 8000, channels: [tone(800, 100, 8000)] }))
  writeFileSync(join(root, "data/readme.txt"), "not audio")
  return root
}

const run = async (params: Record<string, unknown>, root: string, ctx = testContext("wavs", 1, root)) =>
  ({ artifact: await runStage(sourceWavDir, stageParams(sourceWavDir, params), {}, ctx), ctx })

describe("source.wav_dir", () => {
  it("reads a folder in sorted order, ids from relative paths, label `file`, resampled, mono by default", async () => {
    const root = makeFolder()
    const { artifact, ctx } = await run({ path: "data", sample_rate: 16000 }, root)
    const set = decodeAudioSet(artifact)
    expect(set.clips.map((c) => c.id)).toEqual(["a", "b", "sub/c"])
    expect(set.clips.map((c) => c.labels)).toEqual([{ file: "a.wav" }, { file: "b.wav" }, { file: "sub/c.WAV" }])
    for (const c of set.clips) {
      expect(c.audio.sampleRate).toBe(16000)
      expect(c.audio.channels.length).toBe(1)
      expect(c.audio.channels[0]!.length).toBe(1600) // the 8 kHz file resampled to 16 kHz
    }
    // mono = mean of the channels (0.5 and 1 times the tone)
    expect(set.clips[0]!.audio.channels[0]![10]).toBeCloseTo(0.75 * tone(1600, 220, 16000)[10]!, 3)
    expect(ctx.reports[0]).toMatchObject({ files: 3, clips: 3, skipped: [] })
  })

  it("keeps channels, honours recursive, glob and max_files", async () => {
    const root = makeFolder()
    const keep = decodeAudioSet((await run({ path: "data", channels: "keep", sample_rate: 16000 }, root)).artifact)
    expect(keep.clips[0]!.audio.channels.length).toBe(2)
    const flat = decodeAudioSet((await run({ path: "data", recursive: false, sample_rate: 16000 }, root)).artifact)
    expect(flat.clips.map((c) => c.id)).toEqual(["a", "b"])
    const globbed = decodeAudioSet((await run({ path: "data", glob: "b*", sample_rate: 16000 }, root)).artifact)
    expect(globbed.clips.map((c) => c.id)).toEqual(["b"])
    const first = decodeAudioSet((await run({ path: "data", max_files: 2, sample_rate: 16000 }, root)).artifact)
    expect(first.clips.map((c) => c.id)).toEqual(["a", "b"])
  })

  it("cuts segments with a hop, ids <id>#<n>", async () => {
    const root = makeFolder()
    const set = decodeAudioSet((await run({ path: "data", glob: "a.wav", segment_seconds: 0.04, hop_seconds: 0.02, sample_rate: 16000 }, root)).artifact)
    // 1600 samples, windows of 640 every 320: starts 0, 320, 640, 960
    expect(set.clips.map((c) => c.id)).toEqual(["a#0", "a#1", "a#2", "a#3"])
    expect(set.clips.every((c) => c.audio.channels[0]!.length === 640)).toBe(true)
    const whole = decodeAudioSet((await run({ path: "data", glob: "a.wav", sample_rate: 16000 }, root)).artifact).clips[0]!.audio.channels[0]!
    expect(set.clips[2]!.audio.channels[0]).toEqual(whole.slice(640, 1280))
  })

  it("bad files: an error naming the file, or a skip listed in the report", async () => {
    const root = makeFolder()
    writeFileSync(join(root, "data/broken.wav"), pcm16(tone(100, 100, 16000)).subarray(0, 60))
    writeFileSync(join(root, "data/text.wav"), "this is a text file, not a RIFF file")
    writeFileSync(join(root, "data/nan.wav"), encodeWav({ sampleRate: 16000, channels: [new Float32Array([0, NaN, 0])] }))
    await expect(run({ path: "data", sample_rate: 16000 }, root)).rejects.toThrow(/broken\.wav: truncated WAV/)
    const { artifact, ctx } = await run({ path: "data", on_bad_file: "skip", sample_rate: 16000 }, root)
    expect(decodeAudioSet(artifact).clips.map((c) => c.id)).toEqual(["a", "b", "sub/c"])
    const report = ctx.reports[0] as { skipped: Array<{ file: string; reason: string }> }
    expect(report.skipped.map((s) => s.file)).toEqual(["broken.wav", "nan.wav", "text.wav"])
    expect(report.skipped[1]!.reason).toMatch(/NaN/)
    expect(report.skipped[2]!.reason).toMatch(/not a RIFF\/WAVE file/)
  })

  it("says which parameter is wrong when the folder is missing or nothing matches", async () => {
    const root = makeFolder()
    await expect(run({ path: "nope", sample_rate: 16000 }, root)).rejects.toThrow(/path "nope" does not exist/)
    await expect(run({ path: "data", glob: "*.flac", sample_rate: 16000 }, root)).rejects.toThrow(/no file matches glob "\*\.flac"/)
  })

  it("is deterministic: the same folder gives identical artifact bytes", async () => {
    const root = makeFolder()
    const a = (await run({ path: "data", sample_rate: 22050 }, root)).artifact
    const b = (await run({ path: "data", sample_rate: 22050 }, root)).artifact
    expect(sameFiles(a.files, b.files)).toBe(true)
  })
})

import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { AudioFormatError } from "../../src/errors/audioml-error.js"
import { readAudioFile } from "../../src/audio/read-audio-file.js"
import { encodeWav } from "../../src/audio/wav.js"

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/audio/${name}.wav`, import.meta.url))

describe("readAudioFile", () => {
  it("keeps channels or mixes to mono (mean)", async () => {
    const keep = await readAudioFile(fixture("pcm16_stereo"), { channels: "keep" })
    expect(keep.channels.length).toBe(2)
    const mono = await readAudioFile(fixture("pcm16_stereo"), { channels: "mono" })
    expect(mono.channels.length).toBe(1)
    for (let i = 0; i < 10; i++)
      expect(mono.channels[0]![i]).toBeCloseTo((keep.channels[0]![i]! + keep.channels[1]![i]!) / 2, 6)
  })
  it("resamples to a target rate", async () => {
    const s = await readAudioFile(fixture("pcm24_mono"), { sampleRate: 44100 })
    expect(s.sampleRate).toBe(44100)
    expect(s.channels[0]!.length).toBe(96) // 48 frames at 22050 Hz
  })
  it("names the file in every error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "audioml-read-"))
    const bad = join(dir, "broken.wav")
    writeFileSync(bad, "not audio at all, sorry")
    await expect(readAudioFile(bad)).rejects.toThrow(`${bad}: not a RIFF/WAVE file`)
    await expect(readAudioFile(join(dir, "missing.wav"))).rejects.toThrow(/missing\.wav: file not found/)
    const nan = join(dir, "nan.wav")
    writeFileSync(nan, encodeWav({ sampleRate: 8000, channels: [new Float32Array([0, NaN])] }))
    await expect(readAudioFile(nan)).rejects.toBeInstanceOf(AudioFormatError)
    await expect(readAudioFile(nan)).rejects.toThrow(/nan\.wav: sample 1 of channel 0 is NaN/)
  })
})

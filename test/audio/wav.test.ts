import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { decodeWav, encodeWav } from "../../src/audio/wav.js"
import { AudioFormatError } from "../../src/errors/audioml-error.js"
import { rawWav } from "./raw-wav.js"

const dir = new URL("../fixtures/audio/", import.meta.url)
const wavFixture = (name: string): Uint8Array => readFileSync(new URL(`${name}.wav`, dir))
const expected = (name: string) => decodeNpy(readFileSync(new URL(`expected/${name}.npy`, dir)))

describe("decodeWav: every format written by scipy / wave", () => {
  const names = ["pcm8", "pcm16", "pcm24", "pcm32", "float32", "float64"].flatMap((f) => [`${f}_mono`, `${f}_stereo`])
  names.push("pcm16_4ch")
  for (const name of names) {
    it(`${name} matches the values the script wrote (within float32 rounding)`, () => {
      const signal = decodeWav(wavFixture(name))
      const ref = expected(name)
      const [frames, channels] = ref.shape as [number, number]
      expect(signal.sampleRate).toBe(22050)
      expect(signal.channels.length).toBe(channels)
      expect(signal.channels[0]!.length).toBe(frames)
      let maxErr = 0
      for (let c = 0; c < channels; c++)
        for (let i = 0; i < frames; i++) maxErr = Math.max(maxErr, Math.abs(signal.channels[c]![i]! - ref.data[i * channels + c]!))
      // 32-bit PCM and float64 carry more precision than Float32 keeps: ~6e-8 relative
      expect(maxErr).toBeLessThan(1e-7)
    })
  }
  it("keeps the full-scale negative value at exactly -1", () => {
    for (const f of ["pcm8", "pcm16", "pcm24", "pcm32"]) expect(decodeWav(wavFixture(`${f}_mono`)).channels[0]![0]).toBe(-1)
  })
})

describe("decodeWav: round trip", () => {
  it("encodeWav → decodeWav is lossless for float32 multi-channel signals", () => {
    const a = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i / 7) * 0.7)
    const b = Float32Array.from({ length: 100 }, (_, i) => Math.cos(i / 3) * 0.2)
    const back = decodeWav(encodeWav({ sampleRate: 48000, channels: [a, b] }))
    expect(back.sampleRate).toBe(48000)
    expect(back.channels).toEqual([a, b])
  })
})

describe("decodeWav: bad files give clear errors", () => {
  const good = wavFixture("pcm16_stereo")
  it("truncated in the data chunk", () => {
    expect(() => decodeWav(good.subarray(0, good.length - 10))).toThrow(/truncated WAV/)
  })
  it("truncated inside the header", () => {
    expect(() => decodeWav(good.subarray(0, 20))).toThrow(AudioFormatError)
  })
  it("too short to be a WAV", () => {
    expect(() => decodeWav(new Uint8Array(5))).toThrow(/too short/)
  })
  it("not RIFF", () => {
    expect(() => decodeWav(new TextEncoder().encode("hello, this is a text file not audio"))).toThrow(/not a RIFF\/WAVE file/)
  })
  it("0 samples", () => {
    expect(() => decodeWav(rawWav({ format: 1, channels: 1, rate: 44100, bits: 16, data: new Uint8Array(0) }))).toThrow(/no samples/)
  })
  it("unsupported encoding (MS ADPCM tag 2, A-law tag 6)", () => {
    expect(() => decodeWav(rawWav({ format: 2, channels: 1, rate: 44100, bits: 16, data: new Uint8Array(64) }))).toThrow(
      /unsupported WAV encoding \(format tag 0x2/
    )
    expect(() => decodeWav(rawWav({ format: 6, channels: 1, rate: 8000, bits: 8, data: new Uint8Array(64) }))).toThrow(/unsupported WAV encoding/)
  })
  it("NaN / Inf samples: rejected when requireFinite, kept otherwise (so dataset.validate can report them)", () => {
    const x = new Float32Array([0, 0.5, NaN, 0.1])
    const bytes = encodeWav({ sampleRate: 8000, channels: [x] })
    expect(() => decodeWav(bytes, { requireFinite: true })).toThrow(/sample 2 of channel 0 is NaN/)
    expect(Number.isNaN(decodeWav(bytes).channels[0]![2])).toBe(true)
    const inf = encodeWav({ sampleRate: 8000, channels: [new Float32Array([Infinity, 0])] })
    expect(() => decodeWav(inf, { requireFinite: true })).toThrow(/Infinity/)
  })
})

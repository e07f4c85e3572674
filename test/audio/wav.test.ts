import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
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

describe("encodeWav: 32-bit IEEE float with cbSize, the layout sox writes for float", () => {
  const signal = { sampleRate: 44100, channels: [Float32Array.of(0.5, -0.25, 1)] }
  const bytes = encodeWav(signal)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4))

  it("writes an 18-byte fmt chunk (WAVEFORMATEX with cbSize 0), a fact chunk and the samples", () => {
    expect([ascii(0), ascii(8), ascii(12)]).toEqual(["RIFF", "WAVE", "fmt "])
    expect(view.getUint32(4, true)).toBe(bytes.length - 8)
    expect(view.getUint32(16, true)).toBe(18) // fmt body size
    expect(view.getUint16(20, true)).toBe(3) // WAVE_FORMAT_IEEE_FLOAT
    expect(view.getUint16(22, true)).toBe(1)
    expect(view.getUint32(24, true)).toBe(44100)
    expect(view.getUint32(28, true)).toBe(44100 * 4) // bytes per second
    expect(view.getUint16(32, true)).toBe(4) // block align
    expect(view.getUint16(34, true)).toBe(32)
    expect(view.getUint16(36, true)).toBe(0) // cbSize
    expect([ascii(38), view.getUint32(42, true), view.getUint32(46, true)]).toEqual(["fact", 4, 3])
    expect([ascii(50), view.getUint32(54, true)]).toEqual(["data", 12])
    expect([view.getFloat32(58, true), view.getFloat32(62, true), view.getFloat32(66, true)]).toEqual([0.5, -0.25, 1])
  })

  it.skipIf(spawnSync("sox", ["--version"]).status !== 0)("has the bytes sox itself writes for the same float samples", () => {
    const dir = mkdtempSync(join(tmpdir(), "audioml-wav-"))
    writeFileSync(join(dir, "in.f32"), new Uint8Array(Float32Array.of(0.5, -0.25, 1).buffer))
    const r = spawnSync("sox", ["-t", "f32", "-r", "44100", "-c", "1", join(dir, "in.f32"), "-e", "floating-point", "-b", "32", join(dir, "sox.wav")])
    expect(r.status).toBe(0)
    expect(Buffer.from(readFileSync(join(dir, "sox.wav"))).equals(Buffer.from(bytes))).toBe(true)
  })

  const file = join(mkdtempSync(join(tmpdir(), "audioml-wav-")), "ours.wav")
  writeFileSync(file, encodeWav({ sampleRate: 22050, channels: [Float32Array.of(0.5, -0.25, 0.125), Float32Array.of(-1, 0, 0.75)] }))
  it.skipIf(spawnSync("sox", ["--version"]).status !== 0)("sox reads it without a header warning and gets the same samples", () => {
    const r = spawnSync("sox", ["-V2", file, "-t", "f32", "-"], { encoding: "buffer" })
    expect(r.status).toBe(0)
    expect(r.stderr.toString()).toBe("")
    expect(Array.from(new Float32Array(new Uint8Array(r.stdout).buffer))).toEqual([0.5, -1, -0.25, 0, 0.125, 0.75])
  })
  it("scipy.io.wavfile reads it as float32 with the same samples", () => {
    const script = `import sys, scipy.io.wavfile as w\nrate, x = w.read(sys.argv[1])\nprint(rate, x.dtype, x.tolist())`
    const r = spawnSync("python3", ["-c", script, file], { encoding: "utf8" })
    expect(r.stderr).toBe("")
    expect(r.stdout.trim()).toBe("22050 float32 [[0.5, -1.0], [-0.25, 0.0], [0.125, 0.75]]")
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

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { encodeWav } from "../../src/audio/wav.js"
import { computeFeaturesToDir, resolveFeatureOptions } from "../../src/cli/commands/features.js"
import { UserError } from "../../src/cli/user-error.js"

/** `audioml features` (src/cli/commands/features.ts) through its plain function. */
const dir = () => mkdtempSync(join(tmpdir(), "audioml-features-"))

const wavFile = (): string => {
  const sr = 22050
  const y = new Float32Array(sr)
  for (let i = 0; i < y.length; i++) y[i] = 0.2 * Math.sin((2 * Math.PI * 330 * i) / sr) + 0.1 * Math.sin((2 * Math.PI * 660 * i) / sr)
  const path = join(dir(), "tone.wav")
  writeFileSync(path, encodeWav({ sampleRate: sr, channels: [y] }))
  return path
}

const expectUserError = (f: () => unknown, pattern: RegExp): void => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(UserError)
    expect((e as UserError).exitCode).toBe(2)
    expect((e as UserError).message).toMatch(pattern)
    return
  }
  throw new Error("expected a UserError")
}

describe("audioml features", () => {
  it("writes mel, mfcc, f0, voiced_prob, loudness .npy and features.json by default", () => {
    const out = join(dir(), "feats")
    const result = computeFeaturesToDir({ input: wavFile(), out, set: ["mel.n_mels=64"] })
    const frames = 1 + Math.floor(22050 / 512)
    const mel = decodeNpy(readFileSync(join(out, "mel.npy")))
    expect(mel.shape).toEqual([64, frames])
    expect(mel.data).toBeInstanceOf(Float32Array)
    expect(decodeNpy(readFileSync(join(out, "mfcc.npy"))).shape).toEqual([20, frames])
    const f0 = decodeNpy(readFileSync(join(out, "f0.npy")))
    expect(f0.shape).toEqual([1, frames])
    expect(f0.data[20]).toBeCloseTo(330, -1)
    expect(decodeNpy(readFileSync(join(out, "voiced_prob.npy"))).shape).toEqual([1, frames])
    expect(decodeNpy(readFileSync(join(out, "loudness.npy"))).shape).toEqual([1, frames])
    const json = JSON.parse(readFileSync(join(out, "features.json"), "utf8"))
    expect(json.params.mel.n_mels).toBe(64)
    expect(json.params.f0.method).toBe("pyin")
    expect(json.frame_times.hop_512).toHaveLength(frames)
    expect(json.frame_times.hop_512[1]).toBeCloseTo(512 / 22050, 9)
    // 0.2 and 0.1 amplitude sines: mean square 0.025, K-weighting ~ +0 dB at 330/660 Hz
    expect(json.lufs_integrated).toBeCloseTo(-0.691 + 10 * Math.log10(0.025), 0)
    expect(result.files["mel.npy"]!.shape).toEqual([64, frames])
  })

  it("--only selects families (comma list or repeated)", () => {
    const out = join(dir(), "o")
    const result = computeFeaturesToDir({ input: wavFile(), out, only: ["mel,descriptors"], set: ["descriptors.roll_percent=0.9"] })
    expect(Object.keys(result.files).sort()).toEqual(["centroid.npy", "flatness.npy", "mel.npy", "rms.npy", "rolloff.npy", "zcr.npy"])
    expect(result.lufs_integrated).toBeNull()
    expect(resolveFeatureOptions(["f0", "loudness"], ["f0.method=yin", "loudness.method=lufs"])).toMatchObject({
      f0: { method: "yin", threshold: 0.1 },
      loudness: { method: "lufs", hop: 512 }
    })
  })

  it("bad files and parameters are UserErrors (exit 2) naming what is wrong", () => {
    const input = wavFile()
    const out = join(dir(), "x")
    expectUserError(() => computeFeaturesToDir({ input: "/nonexistent.wav", out }), /nonexistent\.wav: file not found/)
    const junk = join(dir(), "junk.wav")
    writeFileSync(junk, "not a wav")
    expectUserError(() => computeFeaturesToDir({ input: junk, out }), /junk\.wav: .*WAV/)
    expectUserError(() => computeFeaturesToDir({ input, out, only: ["mel,pitch"] }), /unknown feature "pitch"/)
    expectUserError(() => computeFeaturesToDir({ input, out, set: ["mel.n_mels=0"] }), /mel\.n_mels/)
    expectUserError(() => computeFeaturesToDir({ input, out, set: ["mel.bogus=1"] }), /mel/)
    expectUserError(() => computeFeaturesToDir({ input, out, set: ["n_mels=64"] }), /family\.key=value/)
    expectUserError(() => computeFeaturesToDir({ input, out, only: ["mel"], set: ["f0.method=yin"] }), /f0 is not selected/)
    expectUserError(() => computeFeaturesToDir({ input, out, set: ["mel.n_fft=1000"] }), /mel: n_fft must be a power of two/)
    expectUserError(() => computeFeaturesToDir({ input, out, set: ["f0.fmax=20000"] }), /f0: fmax=20000 Hz is above the Nyquist/)
    // the family is named once, also when the tracker's own message starts with it
    expectUserError(() => computeFeaturesToDir({ input, out, set: ["f0.fmin=500", "f0.fmax=100"] }), /: f0: need 0 < fmin < fmax/)
    expectUserError(() => computeFeaturesToDir({ input, out, set: ["f0.fmax=20000"] }), /^(?![\s\S]*f0: f0:)/)
  })
})

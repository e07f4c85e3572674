import { describe, expect, it } from "vitest"
import { descriptors } from "../../src/features/descriptors.js"
import { aWeightedLoudness, aWeightingDb } from "../../src/features/loudness.js"
import { loadNpy, maxAbsError, spectralSignal } from "./fixtures.js"

/** References: numpy transcriptions of librosa's descriptor formulas and of DDSP's compute_loudness. */
describe("descriptors equal librosa's definitions", () => {
  const [y, sr] = spectralSignal("mix22k")
  const ref = loadNpy("descriptors_default.npy")
  const out = descriptors(y, sr)
  const frames = ref.shape[1]!
  const row = (r: number) => ref.data.subarray(r * frames, (r + 1) * frames)

  it("has librosa's frame count", () => expect(out.frames).toBe(frames))
  it("spectral centroid (Hz)", () => expect(maxAbsError(out.centroid, row(0))).toBeLessThan(0.05))
  it("spectral rolloff at 85 % (Hz, bin frequencies)", () => {
    // bin-quantised: allow one bin where the cumulative sum sits on the threshold
    let mismatches = 0
    for (let t = 0; t < frames; t++) if (Math.abs(out.rolloff[t]! - row(1)[t]!) > 1e-3) mismatches++
    expect(mismatches).toBeLessThanOrEqual(1)
    expect(maxAbsError(out.rolloff, row(1))).toBeLessThanOrEqual(sr / 2048 + 1e-3)
  })
  it("spectral flatness", () => expect(maxAbsError(out.flatness, row(2))).toBeLessThan(1e-5))
  it("rms", () => expect(maxAbsError(out.rms, row(3))).toBeLessThan(1e-6))
  it("zero-crossing rate", () => expect(maxAbsError(out.zcr, row(4))).toBeLessThan(1e-9))
  it("silent frames: centroid and rolloff 0, flatness 1, rms 0", () => {
    expect(out.centroid[0]).toBe(0)
    expect(out.rolloff[0]).toBe(0)
    expect(out.flatness[0]).toBeCloseTo(1, 6)
    expect(out.rms[0]).toBe(0)
  })
})

describe("A-weighted loudness equals DDSP compute_loudness (librosa-centred frames)", () => {
  it("A-weighting is 0 dB at 1 kHz and floored at -80 dB", () => {
    expect(aWeightingDb(1000)).toBeCloseTo(0, 2)
    expect(aWeightingDb(100)).toBeCloseTo(-19.1, 1)
    expect(aWeightingDb(0)).toBe(-80)
  })
  it("per-frame dB within 1e-3 dB", () => {
    const [y, sr] = spectralSignal("mix22k")
    const ref = loadNpy("loudness_a_weighted.npy")
    const out = aWeightedLoudness(y, sr, { nFft: 2048, hop: 512, rangeDb: 80, refDb: 0 })
    expect(out.length).toBe(ref.shape[0])
    expect(maxAbsError(out, ref.data)).toBeLessThan(1e-3)
    expect(out[0]).toBe(-80)
  })
})

import { describe, expect, it } from "vitest"
import { hzToMel, melFilterbank, melFrequencies, melSpectrogram, melToHz } from "../../src/features/mel.js"
import { mfcc } from "../../src/features/mfcc.js"
import { spectrogram } from "../../src/dsp/stft.js"
import { loadNpy, maxAbsError, maxRelativeError, spectralSignal } from "./fixtures.js"

/**
 * References: test/fixtures/features/make_fixtures.py, a numpy transcription of
 * librosa 0.10's stft / filters.mel / feature.melspectrogram / power_to_db / feature.mfcc.
 */
const framesWithEnergy = (data: ArrayLike<number>, dims: number, frames: number): number[] => {
  const out: number[] = []
  for (let t = 0; t < frames; t++) {
    let e = 0
    for (let d = 0; d < dims; d++) e += data[d * frames + t]!
    if (e > 0) out.push(t)
  }
  return out
}

const worstOnFrames = (a: ArrayLike<number>, b: ArrayLike<number>, dims: number, frames: number, which: number[]): number => {
  let worst = 0
  for (const t of which)
    for (let d = 0; d < dims; d++) {
      const i = d * frames + t
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!))
    }
  return worst
}

describe("mel scale", () => {
  it("is linear below 1 kHz and logarithmic above (Slaney), and inverts", () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 12)
    expect(hzToMel(500)).toBeCloseTo(7.5, 12)
    expect(hzToMel(6400)).toBeCloseTo(15 + 27, 10)
    for (const f of [0, 60, 999, 1000, 4321, 11025]) {
      expect(melToHz(hzToMel(f))).toBeCloseTo(f, 8)
      expect(melToHz(hzToMel(f, "htk"), "htk")).toBeCloseTo(f, 8)
    }
    expect(hzToMel(700, "htk")).toBeCloseTo(2595 * Math.log10(2), 10)
    const f = melFrequencies(5, 0, 8000)
    expect(f[0]).toBe(0)
    expect(f[4]).toBeCloseTo(8000, 8)
  })

  it("slaney-normalised filters have unit area in Hz (2 / bandwidth peak)", () => {
    const bank = melFilterbank({ sampleRate: 22050, nFft: 2048, nMels: 128, fmin: 0, scale: "slaney", norm: "slaney" })
    expect(bank.weights).toHaveLength(128)
    expect(bank.weights.every((w) => w.length > 0)).toBe(true)
  })

  it("rejects fmax above Nyquist and fmin >= fmax", () => {
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 40, fmin: 0, fmax: 9000, scale: "slaney", norm: "slaney" })).toThrow(/Nyquist/)
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 40, fmin: 500, fmax: 400, scale: "slaney", norm: "slaney" })).toThrow(/fmin/)
  })
})

describe("melSpectrogram equals librosa.feature.melspectrogram", () => {
  it("defaults (n_fft 2048, hop 512, 128 slaney mels, power 2): relative error <= 1e-3 on frames with energy", () => {
    const [y, sr] = spectralSignal("mix22k")
    const ref = loadNpy("mel_default.npy")
    const out = melSpectrogram(y, sr)
    expect([out.dims, out.frames]).toEqual(ref.shape)
    const frames = framesWithEnergy(ref.data, out.dims, out.frames)
    expect(frames.length).toBeGreaterThan(30)
    expect(frames.length).toBeLessThan(out.frames) // the leading silence has frames without energy
    expect(worstOnFrames(out.data, ref.data, out.dims, out.frames, frames)).toBeLessThan(1e-3)
  })

  it("htk scale, no norm, fmin/fmax, n_fft 1024 hop 256, 40 mels", () => {
    const [y, sr] = spectralSignal("noise16k")
    const ref = loadNpy("mel_htk.npy")
    const out = melSpectrogram(y, sr, { nFft: 1024, hop: 256, nMels: 40, fmin: 50, fmax: 7000, scale: "htk", norm: "none" })
    expect([out.dims, out.frames]).toEqual(ref.shape)
    expect(maxRelativeError(out.data, ref.data)).toBeLessThan(1e-3)
  })

  it("power = 1 (magnitude)", () => {
    const [y, sr] = spectralSignal("noise16k")
    const ref = loadNpy("mel_magnitude.npy")
    const out = melSpectrogram(y, sr, { nFft: 512, hop: 160, nMels: 64, power: 1 })
    expect([out.dims, out.frames]).toEqual(ref.shape)
    expect(maxRelativeError(out.data, ref.data)).toBeLessThan(1e-3)
  })

  it("log = true is power_to_db(ref 1, amin 1e-10, top_db 80)", () => {
    const [y, sr] = spectralSignal("mix22k")
    const ref = loadNpy("mel_db_default.npy")
    const out = melSpectrogram(y, sr, { log: true })
    expect(maxAbsError(out.data, ref.data)).toBeLessThan(1e-3)
    // the floor is 80 dB under the maximum
    const max = Math.max(...out.data)
    expect(Math.min(...out.data)).toBeCloseTo(max - 80, 3)
  })
})

describe("mfcc equals librosa.feature.mfcc", () => {
  it("defaults (20 coefficients, DCT-II ortho of the dB mel spectrogram)", () => {
    const [y, sr] = spectralSignal("mix22k")
    const ref = loadNpy("mfcc_default.npy")
    const out = mfcc(y, sr)
    expect([out.dims, out.frames]).toEqual(ref.shape)
    expect(maxAbsError(out.data, ref.data)).toBeLessThan(2e-3)
  })

  it("13 coefficients over 40 mels, n_fft 512, hop 160", () => {
    const [y, sr] = spectralSignal("noise16k")
    const ref = loadNpy("mfcc_custom.npy")
    const out = mfcc(y, sr, { nMfcc: 13, nFft: 512, hop: 160, nMels: 40 })
    expect([out.dims, out.frames]).toEqual(ref.shape)
    expect(maxAbsError(out.data, ref.data)).toBeLessThan(2e-3)
  })
})

describe("stft", () => {
  it("hamming window of 400 samples centred in n_fft 512, hop 128: |X| equals numpy", () => {
    const [y] = spectralSignal("noise16k")
    const ref = loadNpy("stft_hamming.npy")
    const out = spectrogram(y, { nFft: 512, hop: 128, winLength: 400, window: "hamming" }, 1)
    expect([out.bins, out.frames]).toEqual(ref.shape)
    let max = 0
    for (const v of ref.data) max = Math.max(max, v)
    expect(maxAbsError(out.data, ref.data) / max).toBeLessThan(1e-5)
  })

  it("rejects a non-power-of-two n_fft", () => {
    expect(() => spectrogram(new Float32Array(1000), { nFft: 1000, hop: 100 })).toThrow(/n_fft/)
  })
})

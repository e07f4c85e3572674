import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { Rng } from "../../src/params/rng.js"
import { sineInto } from "../../src/audio/generators/sine.js"
import { sweepInto } from "../../src/audio/generators/sweep.js"
import { colouredNoise, noiseColours, type NoiseColour } from "../../src/audio/generators/noise.js"
import { impulseInto } from "../../src/audio/generators/impulse.js"
import { adsrInto } from "../../src/audio/generators/adsr.js"
import { svfInPlace } from "../../src/audio/generators/svf.js"
import { naiveOscillatorInto, oscillatorInto, type Waveform } from "../../src/audio/generators/polyblep.js"
import { octaveSlope, peakFrequency, powerSpectrum, welch } from "./generators/spectrum.js"

const fixture = (name: string): Float64Array =>
  decodeNpy(new Uint8Array(readFileSync(new URL(`../fixtures/generators/${name}`, import.meta.url)))).data as Float64Array

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe("sine", () => {
  it("has its FFT peak at the requested frequency and the requested amplitude", () => {
    const fs = 44100
    const x = sineInto(new Float32Array(fs), fs, 1234.5, 0.5)
    expect(Math.abs(peakFrequency(x, fs) - 1234.5)).toBeLessThan(0.05)
    expect(Math.max(...x)).toBeCloseTo(0.5, 4)
  })
})

describe("sweep", () => {
  it("matches scipy.signal.chirp for log (Farina) and linear sweeps", () => {
    const log = sweepInto(new Float32Array(4096), 8000, 100, 3000, "log")
    const lin = sweepInto(new Float32Array(4096), 8000, 100, 3000, "linear")
    expect(maxAbsDiff(log, fixture("sweep_log.npy"))).toBeLessThan(1e-4)
    expect(maxAbsDiff(lin, fixture("sweep_linear.npy"))).toBeLessThan(1e-4)
  })

  it("starts at f0 and ends at f1 (instantaneous frequency of the first and last frames)", () => {
    const fs = 44100
    const n = 4 * fs
    const frame = 2048
    for (const kind of ["log", "linear"] as const) {
      const x = sweepInto(new Float32Array(n), fs, 200, 8000, kind)
      // Expected frequency at the centre of each frame, from the sweep law.
      const at = (t: number) => (kind === "log" ? 200 * Math.exp((t / 4) * Math.log(40)) : 200 + (7800 * t) / 4)
      const fStart = peakFrequency(x.subarray(0, frame), fs, 1 << 16)
      const fEnd = peakFrequency(x.subarray(n - frame), fs, 1 << 16)
      expect(Math.abs(fStart / at(frame / 2 / fs) - 1)).toBeLessThan(0.03)
      expect(Math.abs(fEnd / at((n - frame / 2) / fs) - 1)).toBeLessThan(0.03)
      expect(at(0)).toBe(200)
      expect(at(4)).toBeCloseTo(8000, 6)
    }
  })
})

describe("noise colours", () => {
  const expected: Record<NoiseColour, number> = { white: 0, pink: -3.01, brown: -6.02, blue: 3.01, violet: 6.02 }
  for (const colour of noiseColours) {
    it(`${colour} noise has a slope of ${expected[colour]} dB/octave (±1, Welch PSD over 7 octaves)`, () => {
      const fs = 44100
      const x = colouredNoise(new Float32Array(1 << 17), colour, new Rng(11))
      const slope = octaveSlope(welch(x, 4096), fs, 80, 80 * 2 ** 7)
      expect(Math.abs(slope - expected[colour])).toBeLessThan(1)
      let s = 0
      for (const v of x) s += v * v
      expect(Math.sqrt(s / x.length)).toBeCloseTo(1, 4)
    })
  }

  it("is deterministic by seed", () => {
    const a = colouredNoise(new Float32Array(1000), "pink", new Rng(3))
    const b = colouredNoise(new Float32Array(1000), "pink", new Rng(3))
    const c = colouredNoise(new Float32Array(1000), "pink", new Rng(4))
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true)
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false)
  })
})

describe("impulse", () => {
  it("puts one sample at the position, or a train at the interval", () => {
    const one = impulseInto(new Float32Array(100), 1000, 0.01, 0.5)
    expect(Array.from(one).filter((v) => v !== 0)).toEqual([0.5])
    expect(one[10]).toBe(0.5)
    const train = impulseInto(new Float32Array(100), 1000, 0, 1, 0.025)
    expect([...train.keys()].filter((i) => train[i] !== 0)).toEqual([0, 25, 50, 75])
  })
})

describe("ADSR", () => {
  it("rises, decays to sustain, holds, and releases linearly", () => {
    const fs = 1000
    const env = adsrInto(new Float32Array(1000), fs, { attack: 0.1, decay: 0.2, sustain: 0.5, release: 0.2 }, 0.6)
    expect(env[0]).toBe(0)
    expect(env[50]).toBeCloseTo(0.5, 6)
    expect(env[100]).toBeCloseTo(1, 6)
    expect(env[200]).toBeCloseTo(0.75, 6)
    expect(env[300]).toBeCloseTo(0.5, 6)
    expect(env[599]).toBeCloseTo(0.5, 6)
    expect(env[700]).toBeCloseTo(0.25, 6)
    expect(env[800]).toBe(0)
    expect(env[999]).toBe(0)
    for (let i = 1; i <= 100; i++) expect(env[i]!).toBeGreaterThanOrEqual(env[i - 1]!)
    for (let i = 101; i < 1000; i++) expect(env[i]!).toBeLessThanOrEqual(env[i - 1]! + 1e-7)
  })

  it("releases from the level reached when the gate closes during the attack", () => {
    const env = adsrInto(new Float32Array(300), 1000, { attack: 0.1, decay: 0.1, sustain: 0.5, release: 0.1 }, 0.05)
    expect(env[49]).toBeCloseTo(0.49, 6)
    expect(env[50]).toBeCloseTo(0.5, 6)
    expect(env[100]).toBeCloseTo(0.25, 6)
    expect(env[150]).toBe(0)
  })
})

describe("state-variable filter", () => {
  for (const mode of ["lowpass", "bandpass", "highpass"] as const) {
    it(`${mode} impulse response equals scipy's prewarped bilinear transform (1e-5)`, () => {
      const x = new Float32Array(512)
      x[0] = 1
      svfInPlace(x, 44100, mode, 2, () => 1000)
      expect(maxAbsDiff(x, fixture(`svf_${mode}.npy`))).toBeLessThan(1e-5)
    })
  }
})

describe("PolyBLEP oscillators", () => {
  /** Energy in bins away from every harmonic of f (aliases), over the energy near harmonics. */
  const aliasRatioDb = (x: Float32Array, fs: number, f: number): number => {
    const size = x.length
    const p = powerSpectrum(x, size)
    const binHz = fs / size
    let harmonic = 0
    let alias = 0
    for (let k = 1; k < p.length; k++) {
      const h = (k * binHz) / f
      const nearest = Math.round(h) * f
      if (Math.abs(k * binHz - nearest) <= 4 * binHz && Math.round(h) >= 1) harmonic += p[k]!
      else alias += p[k]!
    }
    return 10 * Math.log10(alias / harmonic)
  }

  for (const waveform of ["saw", "square", "triangle"] as Waveform[]) {
    it(`${waveform}: less energy at non-harmonic bins than the naive waveform`, () => {
      const fs = 44100
      const f = 1567.98
      const blep = oscillatorInto(new Float32Array(1 << 15), fs, waveform, f)
      const naive = naiveOscillatorInto(new Float32Array(1 << 15), fs, waveform, f)
      const improvement = aliasRatioDb(naive, fs, f) - aliasRatioDb(blep, fs, f)
      expect(improvement).toBeGreaterThan(10)
      expect(Math.abs(peakFrequency(blep, fs) - f)).toBeLessThan(0.5)
    })
  }
})

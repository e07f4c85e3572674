import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { resample, resamplePoly, resampleRatio, scipyDefaults } from "../../src/dsp/resample.js"

const fixture = (name: string): Float64Array =>
  decodeNpy(readFileSync(new URL(`../fixtures/dsp/resample/${name}`, import.meta.url))).data as Float64Array

const sine = (freq: number, rate: number, n: number, amp = 0.5): Float32Array => {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate)
  return x
}

const rms = (x: ArrayLike<number>, from = 0, to = x.length): number => {
  let s = 0
  for (let i = from; i < to; i++) s += x[i]! * x[i]!
  return Math.sqrt(s / (to - from))
}

const db = (ratio: number): number => 20 * Math.log10(ratio)

describe("resampleRatio", () => {
  it("reduces the ratio", () => {
    expect(resampleRatio(44100, 48000)).toEqual({ up: 160, down: 147 })
    expect(resampleRatio(48000, 16000)).toEqual({ up: 1, down: 3 })
  })
  it("rejects non-integer rates", () => {
    expect(() => resampleRatio(44100.5, 48000)).toThrow(/positive integers/)
  })
})

describe("resample", () => {
  it("keeps a 1 kHz sine within -60 dB through 44.1k → 48k → 44.1k", () => {
    const n = 44100
    const x = sine(1000, 44100, n)
    const y = resample(resample(x, 44100, 48000), 48000, 44100)
    expect(y.length).toBe(n)
    const edge = 2000 // the filter's zero-padded edges
    const err = new Float64Array(n - 2 * edge)
    for (let i = edge; i < n - edge; i++) err[i - edge] = y[i]! - x[i]!
    const errDb = db(rms(err) / rms(x, edge, n - edge))
    expect(errDb).toBeLessThan(-60)
  })

  it("attenuates a 20 kHz tone by >= 60 dB going 48k → 16k", () => {
    const x = sine(20000, 48000, 48000)
    const y = resample(x, 48000, 16000)
    expect(y.length).toBe(16000)
    const edge = 1000
    expect(db(rms(y, edge, y.length - edge) / rms(x))).toBeLessThan(-60)
  })

  it("passes a 6 kHz tone going 48k → 16k with < 0.1 dB change", () => {
    const x = sine(6000, 48000, 48000)
    const y = resample(x, 48000, 16000)
    const edge = 1000
    expect(Math.abs(db(rms(y, edge, y.length - edge) / rms(x)))).toBeLessThan(0.1)
  })

  it("handles awkward ratios (up > table limit) by computing taps per sample", () => {
    const from = 48000
    const to = 48007 // up = 48007: no polyphase table
    const x = sine(997, from, 4000)
    const y = resample(x, from, to)
    const expected = sine(997, to, y.length)
    const edge = 800
    const err = new Float64Array(y.length - 2 * edge)
    for (let i = edge; i < y.length - edge; i++) err[i - edge] = y[i]! - expected[i]!
    expect(db(rms(err) / rms(expected, edge, y.length - edge))).toBeLessThan(-60)
  })

  it("is the identity for equal rates", () => {
    const x = sine(440, 44100, 100)
    expect(resample(x, 44100, 44100)).toEqual(x)
  })
})

describe("resamplePoly against scipy.signal.resample_poly", () => {
  const input = Float32Array.from(fixture("input.npy"))
  for (const [up, down] of [[160, 147], [147, 160], [1, 3], [3, 2]] as const) {
    it(`matches scipy's default filter for up=${up} down=${down} within 1e-5`, () => {
      // Same design as scipy (Kaiser β=5, 10 zero crossings, cut-off at Nyquist):
      // differences are float32 rounding of input/output only.
      const ref = fixture(`scipy_${up}_${down}.npy`)
      const y = resamplePoly(input, up, down, scipyDefaults)
      expect(y.length).toBe(ref.length)
      let maxErr = 0
      for (let i = 0; i < y.length; i++) maxErr = Math.max(maxErr, Math.abs(y[i]! - ref[i]!))
      expect(maxErr).toBeLessThan(1e-5)
    })
  }

  it("our default (sharper) filter agrees with scipy's within -60 dB on band-limited input", () => {
    // Both are band-limited interpolators; on content below 0.6·Nyquist they differ only
    // by pass-band ripple (scipy's β=5 window ripples at ~1e-3).
    const ref = fixture("scipy_smooth_160_147.npy")
    const y = resamplePoly(Float32Array.from(fixture("smooth.npy")), 160, 147)
    const edge = 80
    const err = new Float64Array(y.length - 2 * edge)
    for (let i = edge; i < y.length - edge; i++) err[i - edge] = y[i]! - ref[i]!
    expect(db(rms(err) / rms(ref, edge, y.length - edge))).toBeLessThan(-40)
  })
})

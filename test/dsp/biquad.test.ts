import { describe, expect, it } from "vitest"
import { biquadMagnitude, biquadTypes, designBiquad, runBiquads } from "../../src/dsp/biquad.js"

const sr = 48000

describe("designBiquad", () => {
  it("has the cookbook's gains at DC and Nyquist", () => {
    const at = (type: (typeof biquadTypes)[number], f: number, gainDb = 0) =>
      biquadMagnitude(designBiquad({ type, freq: 1000, q: 0.7, gainDb }, sr), f, sr)
    expect(at("lowpass", 0)).toBeCloseTo(1, 12)
    expect(at("lowpass", sr / 2)).toBeCloseTo(0, 12)
    expect(at("highpass", 0)).toBeCloseTo(0, 12)
    expect(at("highpass", sr / 2)).toBeCloseTo(1, 12)
    expect(at("bandpass", 1000)).toBeCloseTo(1, 12)
    expect(at("notch", 1000)).toBeCloseTo(0, 9)
    expect(at("allpass", 300)).toBeCloseTo(1, 12)
    expect(at("peaking", 1000, 12)).toBeCloseTo(Math.pow(10, 12 / 20), 9)
    expect(at("lowshelf", 0, -10)).toBeCloseTo(Math.pow(10, -10 / 20), 9)
    expect(at("highshelf", sr / 2, 7)).toBeCloseTo(Math.pow(10, 7 / 20), 9)
    // Shelves are half-way (in dB) at the corner frequency.
    expect(20 * Math.log10(at("lowshelf", 1000, 8))).toBeCloseTo(4, 9)
  })

  it("refuses frequencies outside (0, Nyquist) and q <= 0", () => {
    expect(() => designBiquad({ type: "lowpass", freq: 24000, q: 1 }, sr)).toThrow(/Nyquist frequency \(24000 Hz at 48000 Hz\)/)
    expect(() => designBiquad({ type: "lowpass", freq: 0, q: 1 }, sr)).toThrow(/freq 0/)
    expect(() => designBiquad({ type: "peaking", freq: 100, q: 0, gainDb: 3 }, sr)).toThrow(/q 0/)
  })
})

describe("runBiquads", () => {
  it("matches the direct-form difference equation", () => {
    const c = designBiquad({ type: "peaking", freq: 2000, q: 3, gainDb: -6 }, sr)
    const x = new Float32Array(300).map((_, i) => Math.sin(i * 0.37) + (i === 5 ? 1 : 0))
    const y = runBiquads([c], x)
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0
    for (let i = 0; i < x.length; i++) {
      const v = c.b0 * x[i]! + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2
      x2 = x1; x1 = x[i]!; y2 = y1; y1 = v
      expect(y[i]).toBeCloseTo(v, 6)
    }
  })

  it("copies the input when there are no sections, and can run in place", () => {
    const x = Float32Array.of(1, 2, 3)
    expect(Array.from(runBiquads([], x))).toEqual([1, 2, 3])
    const c = designBiquad({ type: "lowpass", freq: 1000, q: 0.7 }, sr)
    const copy = Float32Array.from(x)
    const out = runBiquads([c, c], copy, copy)
    expect(out).toBe(copy)
    expect(Array.from(out)).toEqual(Array.from(runBiquads([c, c], x)))
  })
})

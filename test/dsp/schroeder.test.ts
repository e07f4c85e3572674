import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { reverberationTime, schroederCurve } from "../../src/dsp/schroeder.js"

describe("Schroeder backward integration", () => {
  it("recovers the RT60 of exponentially decaying noise", () => {
    const fs = 16000
    const rng = new Rng(3)
    for (const rt60 of [0.3, 0.8, 2]) {
      const n = Math.round(fs * rt60 * 1.5)
      // amplitude 10^(−3t/T): the energy falls 60 dB in T seconds
      const ir = Float32Array.from({ length: n }, (_, i) => rng.normal() * 10 ** ((-3 * i) / (fs * rt60)))
      const t30 = reverberationTime(ir, fs)
      expect(Math.abs(t30.rt60 / rt60 - 1)).toBeLessThan(0.03)
      expect(t30.r2).toBeGreaterThan(0.99)
      const t20 = reverberationTime(ir, fs, -5, -25)
      expect(Math.abs(t20.rt60 / rt60 - 1)).toBeLessThan(0.03)
    }
  })

  it("starts at 0 dB, never increases, and reports IRs that do not decay far enough", () => {
    const edc = schroederCurve([1, 0.5, 0.25, 0.1])
    expect(edc[0]).toBe(0)
    for (let i = 1; i < edc.length; i++) expect(edc[i]!).toBeLessThanOrEqual(edc[i - 1]!)
    expect(() => reverberationTime(new Float32Array([1, 0.9, 0.8]), 1000)).toThrow(/too short/)
    expect(() => schroederCurve(new Float32Array(4))).toThrow(/no energy/)
  })
})

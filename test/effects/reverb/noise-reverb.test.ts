import { describe, expect, it } from "vitest"
import { Rng } from "../../../src/params/rng.js"
import { reverberationTime } from "../../../src/dsp/schroeder.js"
import { noiseReverbIr } from "../../../src/effects/reverb/noise-reverb.js"

const fs = 44100
const energy = (x: Float32Array): number => x.reduce((s, v) => s + v * v, 0)

describe("reverb.noise impulse response", () => {
  it("decays at the asked RT60 (Schroeder backward integration, -5 to -35 dB fit)", () => {
    for (const rt60 of [0.4, 1.2]) {
      const ir = noiseReverbIr({ rt60_s: new Array(7).fill(rt60), gain_db: new Array(7).fill(0), length_s: 2 * rt60, mix: 1 }, fs, new Rng(3))
      const fit = reverberationTime(ir, fs)
      expect(Math.abs(fit.rt60 - rt60) / rt60).toBeLessThan(0.05)
    }
  })
  it("has energy Σ g_b² σ_b² rt60 / 2 (0.5 for 1 s at 0 dB) and band levels scale it", () => {
    const p = { rt60_s: new Array(7).fill(1), gain_db: new Array(7).fill(0), length_s: 3, mix: 1 }
    const e0 = energy(noiseReverbIr(p, fs, new Rng(4)))
    expect(e0).toBeGreaterThan(0.45)
    expect(e0).toBeLessThan(0.55)
    const e6 = energy(noiseReverbIr({ ...p, gain_db: new Array(7).fill(-6) }, fs, new Rng(4)))
    expect(e6 / e0).toBeCloseTo(Math.pow(10, -0.6), 3)
  })
})

import { describe, expect, it } from "vitest"
import { BranchingSmoother, DecoupledSmoother, MeanSquareDetector, PeakFollower, timeCoefficient } from "../../src/dsp/envelope.js"
import { Rng } from "../../src/params/rng.js"

describe("envelope smoothers", () => {
  it("timeCoefficient: a step reaches 1 - 1/e after tau", () => {
    const fs = 48000
    const s = new BranchingSmoother(timeCoefficient(10, fs), timeCoefficient(10, fs))
    let v = 0
    for (let i = 0; i < 480; i++) v = s.next(1)
    expect(v).toBeCloseTo(1 - Math.exp(-1), 6)
    expect(timeCoefficient(0, fs)).toBe(0)
  })

  it("BranchingSmoother equals the branching recursion (Giannoulis eq. 17), for either coefficient order", () => {
    const rng = new Rng(4)
    for (const [rising, falling] of [[0.9, 0.999], [0.999, 0.9]] as const) {
      const s = new BranchingSmoother(rising, falling)
      let y = 0
      for (let i = 0; i < 5000; i++) {
        const x = rng.normal() * 10
        const a = x > y ? rising : falling
        y = a * y + (1 - a) * x
        expect(s.next(x)).toBeCloseTo(y, 10)
      }
    }
  })

  it("DecoupledSmoother equals eq. 19: max(x, released peak), then attack smoothing", () => {
    const rng = new Rng(5)
    const s = new DecoupledSmoother(0.95, 0.999)
    let peak = 0
    let y = 0
    for (let i = 0; i < 5000; i++) {
      const x = Math.abs(rng.normal())
      peak = Math.max(x, 0.999 * peak + 0.001 * x)
      y = 0.95 * y + 0.05 * peak
      expect(s.next(x)).toBeCloseTo(y, 10)
    }
  })

  it("PeakFollower holds the peak of |x| and decays; MeanSquareDetector of a sine settles at 1/2", () => {
    const p = new PeakFollower(0.5)
    expect(p.next(-2)).toBe(2)
    expect(p.next(0.1)).toBe(1)
    expect(p.next(0.9)).toBe(0.9)
    const m = new MeanSquareDetector(timeCoefficient(50, 48000))
    let v = 0
    for (let i = 0; i < 48000; i++) v = m.next(Math.sin((2 * Math.PI * 1000 * i) / 48000))
    expect(v).toBeCloseTo(0.5, 2)
  })
})

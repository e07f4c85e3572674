import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { crossCorrelate, estimateLag } from "../../src/dsp/xcorr.js"

const noise = (n: number, seed: number): Float32Array => {
  const rng = new Rng(seed)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = rng.normal(0, 0.3)
  return x
}

/** b[n] = a[n - lag] (zero-filled), so b lags a by `lag` samples. */
const delayed = (a: Float32Array, lag: number): Float32Array => {
  const b = new Float32Array(a.length)
  for (let n = 0; n < a.length; n++) {
    const i = n - lag
    if (i >= 0 && i < a.length) b[n] = a[i]!
  }
  return b
}

describe("crossCorrelate", () => {
  it("equals the direct sum Σ a[n]·b[n+lag] (several blocks)", () => {
    const a = noise(9000, 1)
    const b = noise(8500, 2)
    const maxLag = 40
    const r = crossCorrelate(a, b, maxLag)
    for (const lag of [-40, -17, -1, 0, 3, 25, 40]) {
      let direct = 0
      for (let n = 0; n < a.length; n++) {
        const m = n + lag
        if (m >= 0 && m < b.length) direct += a[n]! * b[m]!
      }
      expect(r[lag + maxLag]).toBeCloseTo(direct, 6)
    }
  })
})

describe("estimateLag", () => {
  const a = noise(20000, 3)
  for (const lag of [0, 7, 300, -45]) {
    it(`finds a planted lag of ${lag} samples exactly`, () => {
      const est = estimateLag(a, delayed(a, lag), 1000)
      expect(est.lag).toBe(lag)
      expect(est.correlation).toBeGreaterThan(0.95)
    })
  }
  it("finds the lag of a filtered, polarity-flipped copy and reports negative correlation", () => {
    const b = delayed(a, 12)
    for (let i = b.length - 1; i > 0; i--) b[i] = -(0.6 * b[i]! + 0.4 * b[i - 1]!)
    const est = estimateLag(a, b, 100)
    expect(est.lag).toBe(12)
    expect(est.correlation).toBeLessThan(-0.8)
  })
  it("reports ~0 correlation for unrelated signals", () => {
    const est = estimateLag(a, noise(20000, 99), 50)
    expect(Math.abs(est.correlation)).toBeLessThan(0.05)
  })
})

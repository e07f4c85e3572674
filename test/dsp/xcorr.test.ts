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

/**
 * Issue 14's false positive, rebuilt: a sustained note (period 45 samples at 8 kHz) through a
 * memoryless clipper whose gain settles over the first few milliseconds (a coupling capacitor
 * charging). The true lag is 0, but the clip's later periods carry the full gain, so the
 * correlation one period away edges out lag 0 (0.9905 against 0.9898).
 */
describe("estimateLag on a periodic note (issue 14)", () => {
  const P = 45
  const N = 12000
  const a = new Float32Array(N)
  const b = new Float32Array(N)
  for (let n = 0; n < N; n++) {
    let s = 0
    for (let k = 1; k <= 4; k++) s += Math.sin((2 * Math.PI * k * n) / P + 0.5 * k) / k
    a[n] = 0.3 * s * Math.min(1, (N - n) / (0.15 * N))
    b[n] = (1 - Math.exp(-n / 40)) * Math.tanh(3 * a[n]!)
  }

  it("reproduces the false positive with the plain largest-peak rule: one period, a near-tie", () => {
    const plain = estimateLag(a, b, 400)
    expect(plain.lag).toBe(P)
    const atZero = estimateLag(a, b, 0).correlation
    expect(plain.correlation - atZero).toBeGreaterThan(0)
    expect(plain.correlation - atZero).toBeLessThan(0.01 * plain.correlation)
  })

  it("a tie tolerance takes the smallest lag among the near-ties", () => {
    expect(estimateLag(a, b, 400, { tolerance: 0.01 }).lag).toBe(0)
  })

  it("the periodicity check alone also rejects the lag of one period", () => {
    const est = estimateLag(a, b, 400, { periodicity: 0.5 })
    expect(est.lag).toBe(0)
    expect(est.rejected.map((x) => x.lag)).toEqual([P])
    expect(est.rejected[0]!.autocorrelation).toBeGreaterThan(0.9)
  })

  it("neither rule moves a real lag: noise and low-pass material delayed by 7 samples still read 7", () => {
    const x = noise(20000, 8)
    // a smooth (low-pass) copy: its correlation's main lobe is broad, which is not a period
    for (let i = 1; i < x.length; i++) x[i] = 0.95 * x[i - 1]! + 0.05 * x[i]!
    for (const sig of [noise(20000, 3), x]) {
      const est = estimateLag(sig, delayed(sig, 7), 400, { tolerance: 0.01, periodicity: 0.5 })
      expect(est.lag).toBe(7)
      expect(est.rejected).toEqual([])
    }
    // a periodic note truly late by 9 samples: the tolerance keeps 9 (the tie at 9 - 45 is farther from 0)
    expect(estimateLag(a, delayed(b, 9), 400, { tolerance: 0.01, periodicity: 0.5 }).lag).toBe(9)
  })
})

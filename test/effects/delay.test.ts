import { describe, expect, it } from "vitest"
import { echo } from "../../src/effects/delay/echo.js"

const FS = 44100

describe("delay.echo", () => {
  const impulseResponse = (time_ms: number, feedback: number, mix: number, damping_hz: number, n: number) => {
    const x = new Float32Array(n)
    x[0] = 1
    return echo(x, FS, { time_ms, feedback, mix, damping_hz })
  }

  it("repeats every time_ms with amplitude mix·feedback^(k-1), delayed by the damping filter's group delay", () => {
    for (const time_ms of [10, 10.01, 23.456]) {
      const D = (time_ms * FS) / 1000
      const damping_hz = 4000
      const c = Math.exp((-2 * Math.PI * damping_hz) / FS)
      const lowpassDelay = c / (1 - c) // centroid of the one-pole impulse response
      const y = impulseResponse(time_ms, 0.5, 0.8, damping_hz, Math.ceil(7 * D))
      expect(y[0]).toBeCloseTo(0.2, 7) // dry part
      for (let k = 1; k <= 5; k++) {
        let sum = 0
        let moment = 0
        for (let i = Math.round((k - 0.5) * D); i < Math.round((k + 0.5) * D); i++) {
          sum += y[i]!
          moment += i * y[i]!
        }
        // the loop low-pass has unity DC gain and Hermite interpolation sums to 1: each repeat keeps its area
        expect(sum, `time ${time_ms} repeat ${k}`).toBeCloseTo(0.8 * 0.5 ** (k - 1), 4)
        expect(moment / sum, `time ${time_ms} repeat ${k}`).toBeCloseTo(k * (D + lowpassDelay), 1)
      }
    }
  })

  it("darkens each repeat: the peak falls faster than the area with strong damping", () => {
    const D = 441
    const y = impulseResponse(10, 0.9, 1, 1000, 6 * D)
    const peak = (k: number) => {
      let m = 0
      for (let i = k * D - 50; i < k * D + 200; i++) m = Math.max(m, Math.abs(y[i]!))
      return m
    }
    for (let k = 1; k < 5; k++) expect(peak(k + 1) / peak(k)).toBeLessThan(0.9 * 0.9)
  })

  it("with high damping_hz the repeats are clean impulses at integer delays", () => {
    const y = impulseResponse(10, 0.7, 1, 24000, 2000) // damping at Nyquist: no low-pass
    expect(y[441]).toBeCloseTo(1, 6)
    expect(y[882]).toBeCloseTo(0.7, 6)
    expect(y[1323]).toBeCloseTo(0.49, 6)
    expect(y[440]).toBe(0)
    expect(y[442]).toBeCloseTo(0, 6)
  })

  it("keeps the input length", () => {
    expect(echo(new Float32Array(123), FS, { time_ms: 250, feedback: 0.4, mix: 0.3, damping_hz: 5000 }).length).toBe(123)
  })
})

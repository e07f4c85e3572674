import { describe, expect, it } from "vitest"
import { Oversampler, oversampled, type OversampleFactor } from "../../src/dsp/oversample.js"

const sr = 44100
const sine = (n: number, freq: number, amp = 0.5, phase = 0.3): Float32Array => {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / sr + phase)
  return x
}

describe("Oversampler", () => {
  it("has a whole-sample latency for every factor", () => {
    for (const f of [1, 2, 4, 8] as OversampleFactor[]) {
      const o = new Oversampler(f)
      expect(Number.isInteger(o.latency)).toBe(true)
    }
    expect(new Oversampler(1).latency).toBe(0)
  })

  it("passes in-band audio through unchanged and aligned (identity shaper)", () => {
    for (const f of [2, 4, 8] as OversampleFactor[]) {
      for (const freq of [100, 5000, 15000, 19000]) {
        const x = sine(6000, freq)
        const y = oversampled(x, sr, f, () => {})
        // Skip the edges, where the filters see the signal start and stop.
        let err = 0
        for (let i = 200; i < x.length - 200; i++) err = Math.max(err, Math.abs(y[i]! - x[i]!))
        expect(err, `factor ${f}, ${freq} Hz`).toBeLessThan(1e-3)
      }
    }
  })

  it("gives the shaper the oversampled rate and length", () => {
    let seen = 0
    let rate = 0
    oversampled(new Float32Array(3000), sr, 4, (_b, len, r) => {
      seen += len
      rate = r
    })
    expect(rate).toBe(4 * sr)
    expect(seen % 4).toBe(0)
    expect(seen).toBeGreaterThanOrEqual(4 * 3000)
  })

  it("is the same whatever the input length (block boundaries do not show)", () => {
    const x = sine(5000, 3000)
    const whole = oversampled(x, sr, 4, (b, len) => {
      for (let i = 0; i < len; i++) b[i] = Math.tanh(4 * b[i]!)
    })
    const part = oversampled(x.subarray(0, 2500), sr, 4, (b, len) => {
      for (let i = 0; i < len; i++) b[i] = Math.tanh(4 * b[i]!)
    })
    // The first 2500 - latency samples cannot depend on what comes later.
    const o = new Oversampler(4)
    for (let i = 0; i < 2500 - o.latency; i++) expect(part[i]).toBe(whole[i])
  })

  it("rejects images: a 19 kHz tone upsampled 2x has nothing left above 24 kHz", () => {
    const x = sine(8192, 19000)
    const parts: number[] = []
    oversampled(x, sr, 2, (b, len) => {
      for (let i = 0; i < len; i++) parts.push(b[i]!)
    })
    const top = Float64Array.from(parts.slice(2000, 2000 + 8192))
    // Zero-stuffing mirrors 19 kHz to 44.1 - 19 = 25.1 kHz: measure what is left there.
    const amp = (f: number): number => {
      let re = 0
      let im = 0
      for (let i = 0; i < top.length; i++) {
        const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / top.length) // Hann
        re += w * top[i]! * Math.cos((2 * Math.PI * f * i) / (2 * sr))
        im += w * top[i]! * Math.sin((2 * Math.PI * f * i) / (2 * sr))
      }
      return Math.hypot(re, im)
    }
    const ratioDb = 20 * Math.log10(amp(sr - 19000) / amp(19000))
    expect(ratioDb).toBeLessThan(-60)
  })
})

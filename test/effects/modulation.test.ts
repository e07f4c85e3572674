import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { realFft } from "../../src/dsp/fft.js"
import { chorus, type ChorusParams } from "../../src/effects/modulation/chorus.js"
import { flanger, type FlangerParams } from "../../src/effects/modulation/flanger.js"
import { phaser, type PhaserParams } from "../../src/effects/modulation/phaser.js"
import { vibrato } from "../../src/effects/modulation/vibrato.js"

const FS = 44100
const FIXTURES = "test/fixtures/effects-dynamics"

/**
 * A slow ramp x[n] = n·SLOPE goes through any cubic-interpolated delay unchanged in shape,
 * y[n] = x[n - d(n)] exactly (Hermite reproduces straight lines), so the instantaneous
 * delay of the wet path is d(n) = (x[n] - y[n]) / SLOPE.
 */
const SLOPE = 1e-3
const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i * SLOPE)
const delays = (x: Float32Array, y: Float32Array, from: number): number[] => {
  const d: number[] = []
  for (let i = from; i < x.length; i++) d.push((x[i]! - y[i]!) / SLOPE)
  return d
}

const chorusParams = (p: Partial<ChorusParams>): ChorusParams => ({
  rate_hz: 2, depth_ms: 3, centre_delay_ms: 10, feedback: 0, mix: 1, voices: 1, lfo_shape: "sine", phase: 0, ...p
})

describe("mod.chorus", () => {
  it("sweeps its delay over centre_delay_ms ± depth_ms, following the LFO (sine and triangle, with phase)", () => {
    const x = ramp(FS)
    for (const lfo_shape of ["sine", "triangle"] as const) {
      const p = chorusParams({ lfo_shape, phase: 90 })
      const d = delays(x, chorus(x, FS, p), 1000)
      const ms = FS / 1000
      expect(Math.min(...d)).toBeCloseTo(7 * ms, 1)
      expect(Math.max(...d)).toBeCloseTo(13 * ms, 1)
      for (let k = 0; k < d.length; k += 101) {
        const n = k + 1000
        const phase = 2 * n / FS + 0.25
        const q = phase + 0.25 - Math.floor(phase + 0.25)
        const lfo = lfo_shape === "sine" ? Math.sin(2 * Math.PI * phase) : 1 - 4 * Math.abs(q - 0.5)
        expect(Math.abs(d[k]! - (10 + 3 * lfo) * ms), `${lfo_shape} n=${n}`).toBeLessThan(0.02)
      }
    }
  })

  it("spreads the voices' LFO phases evenly (3 sine voices average to the centre delay)", () => {
    const x = ramp(FS / 2)
    const d = delays(x, chorus(x, FS, chorusParams({ voices: 3 })), 1000)
    for (const v of d) expect(Math.abs(v - 441)).toBeLessThan(0.02)
  })

  it("mixes dry and wet linearly", () => {
    const x = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i * 0.05))
    const wet = chorus(x, FS, chorusParams({ mix: 1 }))
    const half = chorus(x, FS, chorusParams({ mix: 0.5 }))
    for (let i = 0; i < x.length; i += 13) expect(half[i]).toBeCloseTo(0.5 * x[i]! + 0.5 * wet[i]!, 6)
  })
})

describe("mod.flanger", () => {
  const params = (p: Partial<FlangerParams>): FlangerParams => ({
    rate_hz: 1, depth_ms: 4, delay_ms: 1, feedback: 0, mix: 1, lfo_shape: "triangle", phase: 0, ...p
  })

  it("sweeps its delay from delay_ms to delay_ms + depth_ms", () => {
    const x = ramp(FS)
    const d = delays(x, flanger(x, FS, params({})), 1000)
    expect(Math.min(...d)).toBeCloseTo(44.1, 1)
    expect(Math.max(...d)).toBeCloseTo(5 * 44.1, 1)
  })

  it("feeds back: a frozen flanger's impulse response repeats every delay with gain feedback^k", () => {
    const x = new Float32Array(2000)
    x[0] = 1
    // rate 0, phase 0: delay fixed at delay_ms + depth_ms / 2 = 2 ms = 88.2 samples
    const y = flanger(x, FS, params({ rate_hz: 0, feedback: 0.6, depth_ms: 2, delay_ms: 1 }))
    for (let k = 1; k <= 5; k++) {
      let sum = 0
      for (let i = Math.round(k * 88.2) - 20; i < Math.round(k * 88.2) + 20; i++) sum += y[i]!
      expect(sum).toBeCloseTo(0.6 ** (k - 1), 4)
    }
  })
})

describe("mod.vibrato", () => {
  it("bends the pitch by 2π·rate·depth (zero-crossing frequency of a 1 kHz tone)", () => {
    const rate_hz = 5
    const depth_ms = 1
    const n = FS
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / FS))
    const y = vibrato(x, FS, { rate_hz, depth_ms, lfo_shape: "sine", phase: 0 })
    const crossings: number[] = []
    for (let i = 200; i < n; i++) {
      if (y[i - 1]! < 0 && y[i]! >= 0) crossings.push(i - 1 + y[i - 1]! / (y[i - 1]! - y[i]!))
    }
    let lo = Infinity
    let hi = -Infinity
    for (let k = 1; k < crossings.length; k++) {
      const f = FS / (crossings[k]! - crossings[k - 1]!)
      lo = Math.min(lo, f)
      hi = Math.max(hi, f)
    }
    const deviation = 2 * Math.PI * rate_hz * depth_ms / 1000 // 3.14 %
    expect(hi / 1000 - 1).toBeCloseTo(deviation, 3)
    expect(1 - lo / 1000).toBeCloseTo(deviation, 3)
  })

  it("is wet only, its delay swinging between 2 samples and 2 samples + 2·depth", () => {
    const x = ramp(FS)
    const d = delays(x, vibrato(x, FS, { rate_hz: 3, depth_ms: 2, lfo_shape: "sine", phase: 0 }), 1000)
    expect(Math.min(...d)).toBeCloseTo(2, 1)
    expect(Math.max(...d)).toBeCloseTo(2 + 4 * 44.1, 1)
  })
})

describe("mod.phaser", () => {
  const params = (p: Partial<PhaserParams>): PhaserParams => ({
    rate_hz: 0.5, depth: 0, centre_hz: 1000, stages: 4, feedback: 0, mix: 0.5, sweep_octaves: 2, lfo_shape: "sine", phase: 0, ...p
  })
  const impulse = (n: number) => {
    const x = new Float32Array(n)
    x[0] = 1
    return x
  }

  it("with the LFO frozen equals the scipy lfilter reference of the all-pass chain with feedback (within 1e-6)", () => {
    const cases = JSON.parse(readFileSync(`${FIXTURES}/phaser_cases.json`, "utf8")) as Array<{
      stages: number; centre_hz: number; feedback: number; mix: number; sample_rate: number
    }>
    const irs = decodeNpy(readFileSync(`${FIXTURES}/phaser_ir.npy`))
    const len = irs.shape[1]!
    cases.forEach((c, row) => {
      const got = phaser(impulse(len), c.sample_rate, params({ stages: c.stages, centre_hz: c.centre_hz, feedback: c.feedback, mix: c.mix }))
      let err = 0
      for (let i = 0; i < len; i++) err = Math.max(err, Math.abs(got[i]! - irs.data[row * len + i]!))
      expect(err, `case ${row}`).toBeLessThan(1e-6)
    })
  })

  it("has stages/2 notches (frozen LFO, magnitude response of the impulse response)", () => {
    const size = 16384
    for (const stages of [2, 4, 6, 8, 12]) {
      for (const centre_hz of [500, 2000]) {
        const h = phaser(impulse(size), FS, params({ stages, centre_hz }))
        const spec = realFft(h)
        const mag = new Float64Array(size / 2 + 1)
        for (let k = 0; k <= size / 2; k++) mag[k] = Math.hypot(spec[2 * k]!, spec[2 * k + 1]!)
        let notches = 0
        for (let k = 1; k < size / 2; k++) {
          if (mag[k]! < mag[k - 1]! && mag[k]! <= mag[k + 1]! && 20 * Math.log10(mag[k]!) < -30) notches++
        }
        expect(notches, `stages ${stages} centre ${centre_hz}`).toBe(stages / 2)
      }
    }
  })

  it("sweeps: a tone at the frozen notch is cancelled only while the LFO is at its centre", () => {
    // the deepest notch of the frozen 4-stage response (centre 1 kHz)
    const size = 16384
    const spec = realFft(phaser(impulse(size), FS, params({})))
    let notchBin = 1
    for (let k = 1; k < size / 2; k++) {
      if (Math.hypot(spec[2 * k]!, spec[2 * k + 1]!) < Math.hypot(spec[2 * notchBin]!, spec[2 * notchBin + 1]!)) notchBin = k
    }
    const f = (notchBin * FS) / size
    const n = FS
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / FS))
    const y = phaser(x, FS, params({ depth: 0.5, rate_hz: 1 })) // ±1 octave, one cycle per second
    const level = (t: number) => {
      const i = Math.round(t * FS)
      let m = 0
      for (let j = i - 220; j < i + 220; j++) m = Math.max(m, Math.abs(y[j]!))
      return m
    }
    expect(level(0.5)).toBeLessThan(0.05) // LFO back at 0: notch on the tone
    expect(level(0.25)).toBeGreaterThan(0.5) // LFO at +1: notch an octave up
    expect(level(0.75)).toBeGreaterThan(0.5)
  })
})

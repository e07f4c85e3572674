import { describe, expect, it } from "vitest"
import { realFft } from "../../../src/dsp/fft.js"
import { FractionalDelayKernel } from "../../../src/dsp/fractional-delay.js"
import { Rng } from "../../../src/params/rng.js"
import { reverberationTime } from "../../../src/dsp/schroeder.js"
import { roomImpulseResponse, type Vec3 } from "../../../src/effects/reverb/image-source.js"
import { absorptionForRt60, predictRt60, resolveAbsorption } from "../../../src/effects/reverb/room-acoustics.js"
import { roomDefinition, type RoomParams } from "../../../src/effects/reverb/room.js"

const fs = 16000

/** Gain of the band-limited impulse at fractional time `t` in `ir`: projection onto the sinc kernel. */
const impulseGain = (ir: Float32Array, t: number): number => {
  const k = new FractionalDelayKernel().compute(t)
  let num = 0
  let den = 0
  k.values.forEach((v, i) => {
    num += v * ir[k.start + i]!
    den += v * v
  })
  return num / den
}

describe("reverb.room RT60 (Schroeder T30 of the generated RIR within 10 % of the target)", () => {
  const rooms: Array<{ roomDim: Vec3; source: Vec3; mic: Vec3; rt60: number }> = [
    { roomDim: [4, 3.5, 2.7], source: [1, 1.2, 1.5], mic: [3, 2.5, 1.2], rt60: 0.3 },
    { roomDim: [6, 4, 3], source: [2, 2, 1.5], mic: [4.5, 2.5, 1.4], rt60: 0.5 },
    { roomDim: [12, 9, 5], source: [3, 4, 1.7], mic: [8, 5, 1.5], rt60: 1.0 },
    { roomDim: [20, 15, 8], source: [5, 5, 2], mic: [14, 9, 1.6], rt60: 2.0 }
  ]
  for (const room of rooms) {
    it(`rt60 mode with the late tail: ${room.roomDim.join(" × ")} m, ${room.rt60} s`, () => {
      const res = roomImpulseResponse({ sampleRate: fs, ...room, lateTail: true, rng: new Rng(11) })
      const t30 = reverberationTime(res.ir, fs)
      expect(Math.abs(t30.rt60 / room.rt60 - 1)).toBeLessThan(0.1)
    })
  }
  it("pure image-source response with enough order (rt60 mode, no tail): a small room", () => {
    const room = rooms[0]!
    const res = roomImpulseResponse({ sampleRate: fs, ...room, lateTail: false })
    expect(res.maxOrder).toBeGreaterThan(30)
    const t30 = reverberationTime(res.ir, fs)
    expect(Math.abs(t30.rt60 / room.rt60 - 1)).toBeLessThan(0.1)
  })
  it("absorption mode with the late tail decays at the Eyring–Millington rate it predicts", () => {
    const res = roomImpulseResponse({
      sampleRate: fs,
      roomDim: [7, 5, 3.2],
      source: [2, 3, 1.6],
      mic: [5, 1.5, 1.2],
      absorption: { west: 0.1, east: 0.1, south: "plasterboard", north: "glass_window", floor: 0.3, ceiling: 0.2 },
      airAbsorption: false,
      lateTail: true,
      rng: new Rng(2)
    })
    const predicted = res.predictedRt60.reduce((a, b) => a + b, 0) / res.predictedRt60.length
    const t30 = reverberationTime(res.ir, fs).rt60
    expect(Math.abs(t30 / predicted - 1)).toBeLessThan(0.1)
  })
})

describe("reverb.room geometry", () => {
  const anechoic = (mic: Vec3) =>
    roomImpulseResponse({ sampleRate: fs, roomDim: [10, 8, 4], source: [2, 4, 2], mic, absorption: 1, airAbsorption: false, lateTail: false, maxOrder: 2 })

  it("places the direct path at distance / c samples, with amplitude 1/r", () => {
    const amplitudes: number[] = []
    for (const mic of [[3, 4, 2], [5.137, 4.2, 2.3], [8.5, 5, 1]] as Vec3[]) {
      const res = anechoic(mic)
      const r = Math.hypot(mic[0] - 2, mic[1] - 4, mic[2] - 2)
      expect(res.speedOfSound).toBeCloseTo(331.4 + 0.6 * 20, 10)
      expect(res.directDelaySamples).toBeCloseTo((r / res.speedOfSound) * fs, 9)
      let peak = 0
      for (let i = 1; i < res.ir.length; i++) if (Math.abs(res.ir[i]!) > Math.abs(res.ir[peak]!)) peak = i
      expect(peak).toBe(Math.round((r / res.speedOfSound) * fs))
      const gain = impulseGain(res.ir, res.directDelaySamples)
      expect(Math.abs(gain * r - 1)).toBeLessThan(0.01)
      amplitudes.push(gain * r)
    }
    expect(Math.max(...amplitudes) - Math.min(...amplitudes)).toBeLessThan(0.01)
  })

  it("puts the first floor reflection where the image source predicts, scaled by √(1 − α)", () => {
    const alpha = 0.36
    const res = roomImpulseResponse({
      sampleRate: fs,
      roomDim: [30, 30, 20],
      source: [10, 15, 2.5],
      mic: [14, 15, 2.5],
      absorption: alpha,
      airAbsorption: false,
      lateTail: false,
      maxOrder: 1
    })
    const c = res.speedOfSound
    const rFloor = Math.hypot(4, 0, 5) // image at z = −2.5, 112 samples after the direct path
    const reflection = impulseGain(res.ir, (rFloor / c) * fs)
    const direct = impulseGain(res.ir, (4 / c) * fs)
    expect(direct * 4).toBeCloseTo(1, 2)
    expect(Math.abs((reflection * rFloor) / Math.sqrt(1 - alpha) - 1)).toBeLessThan(0.01)
  })

  it("attenuates high octaves with air absorption over distance", () => {
    const near = roomImpulseResponse({ sampleRate: 44100, roomDim: [60, 10, 10], source: [2, 5, 5], mic: [3, 5, 5], absorption: 1, lateTail: false, maxOrder: 0 })
    const far = roomImpulseResponse({ sampleRate: 44100, roomDim: [60, 10, 10], source: [2, 5, 5], mic: [52, 5, 5], absorption: 1, lateTail: false, maxOrder: 0 })
    // |H|² averaged over 6–10 kHz relative to 300–700 Hz: air (20 °C, 50 % RH) takes
    // exp(−0.0203·50) ≈ −4.4 dB at 8 kHz over 50 m, and next to nothing over 1 m.
    const tilt = (x: Float32Array): number => {
      const n = 1 << 16
      const frame = new Float64Array(n)
      frame.set(x)
      const spec = realFft(frame)
      const band = (lo: number, hi: number) => {
        let e = 0
        let count = 0
        for (let k = Math.ceil((lo * n) / 44100); k <= (hi * n) / 44100; k++, count++) e += spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2
        return e / count
      }
      return band(6000, 10000) / band(300, 700)
    }
    expect(tilt(near.ir)).toBeGreaterThan(0.95)
    expect(tilt(far.ir)).toBeLessThan(0.65)
    expect(tilt(far.ir)).toBeGreaterThan(0.3)
  })
})

describe("reverb.room absorption and rt60 inversion", () => {
  it("inverts Sabine and Eyring exactly without air", () => {
    const dims = [6, 4, 3]
    const V = 72
    const S = 2 * (24 + 18 + 12)
    const c = 343
    const sab = absorptionForRt60(dims, 0.6, c, null, "sabine")[0]![0]!
    expect(sab).toBeCloseTo((24 * Math.LN10 * V) / (c * S * 0.6), 10)
    const ey = absorptionForRt60(dims, 0.6, c, null, "eyring")
    expect(predictRt60(dims, ey, c, null)[3]).toBeCloseTo(0.6, 10)
  })
  it("explains impossible targets and bad absorption specs", () => {
    expect(() => absorptionForRt60([10, 10, 10], 0.01, 343, null, "sabine")).toThrow(/rt60: 0.01 s is too short for a 10 × 10 × 10 m room.*shortest reachable rt60 is/)
    expect(() => roomImpulseResponse({ sampleRate: fs, roomDim: [5, 4, 3], source: [1, 1, 1], mic: [2, 2, 2], rt60: 0.02, lateTail: false })).toThrow(/rt60: 0.02 s is too short/)
    expect(() => resolveAbsorption("carpet" as never)).toThrow(/absorption: unknown material "carpet"; known materials: hard_surface/)
    expect(() => resolveAbsorption([0.1, 0.2])).toThrow(/needs 7 values/)
    expect(() => resolveAbsorption({ west: 0.1 } as never)).toThrow(/absorption.east: missing/)
    expect(resolveAbsorption("carpet_cotton")[4]![3]).toBe(0.81)
  })
  it("rejects positions outside the room, naming the parameter", () => {
    const base = { sampleRate: fs, roomDim: [5, 4, 3] as Vec3, source: [1, 1, 1] as Vec3, mic: [2, 2, 2] as Vec3, lateTail: false }
    expect(() => roomImpulseResponse({ ...base, source: [6, 1, 1] })).toThrow(/^source: position \[6, 1, 1\] m is outside the room \[5, 4, 3\] m \(x must be strictly between 0 and 5\)/)
    expect(() => roomImpulseResponse({ ...base, mic: [2, 2, 3] })).toThrow(/^mic: .*z must be strictly between 0 and 3/)
    expect(() => roomImpulseResponse({ ...base, absorption: 0.2, rt60: 0.4 })).toThrow(/exclusive/)
  })
})

describe("reverb.room effect", () => {
  const params = (over: Partial<RoomParams>): RoomParams => ({
    room_dim: [5, 4, 3],
    source: [1.5, 2, 1.5],
    mic: [3.5, 2.2, 1.3],
    rt60_method: "auto",
    air_absorption: true,
    temperature_c: 20,
    humidity: 50,
    jitter_m: 0,
    late_tail: true,
    late_tail_start_ms: 80,
    mix: 1,
    predelay_ms: 0,
    normalise: "energy",
    rt60: 0.4,
    ...over
  })
  const input = Float32Array.from({ length: 8000 }, (_, i) => (i === 0 ? 1 : 0))

  it("keeps the input length, is deterministic for a seed, and jitter/tail follow the rng", () => {
    const a = roomDefinition.process(input, fs, params({ jitter_m: 0.1 }), new Rng(7))
    const b = roomDefinition.process(input, fs, params({ jitter_m: 0.1 }), new Rng(7))
    const c = roomDefinition.process(input, fs, params({ jitter_m: 0.1 }), new Rng(8))
    expect(a.length).toBe(input.length)
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(Array.from(a)).not.toEqual(Array.from(c))
    const noTail1 = roomDefinition.process(input, fs, params({ late_tail: false, jitter_m: 0.05, max_order: 6 }), new Rng(1))
    const noTail2 = roomDefinition.process(input, fs, params({ late_tail: false, jitter_m: 0.05, max_order: 6 }), new Rng(2))
    expect(Array.from(noTail1)).not.toEqual(Array.from(noTail2))
  })

  it("mix = 0 is the dry signal; predelay shifts the wet signal; normalise = energy gives a unit-energy response", () => {
    const noise = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i * 0.05))
    expect(Array.from(roomDefinition.process(noise, fs, params({ mix: 0 }), new Rng(1)))).toEqual(Array.from(noise))
    const wet = roomDefinition.process(input, fs, params({ late_tail: false, max_order: 10 }), new Rng(1))
    const delayed = roomDefinition.process(input, fs, params({ late_tail: false, max_order: 10, predelay_ms: 10 }), new Rng(1))
    for (let i = 0; i < 7000; i++) expect(delayed[i + 160]).toBeCloseTo(wet[i]!, 6)
    const long = new Float32Array(fs * 2)
    long[0] = 1
    const ir = roomDefinition.process(long, fs, params({}), new Rng(3))
    expect(ir.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 2)
  })
})

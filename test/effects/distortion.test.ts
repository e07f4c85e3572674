import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { applyChain, resolveChain } from "../../src/effects/chain.js"
import { distortionEffects } from "../../src/effects/distortion/distortion-effects.js"
import { effectCatalog } from "../../src/effects/registry.js"
import { maxAbsDiff, readFixture, soxFixtures } from "./sox-reference.js"

const sr = 44100
const run = (uses: string, x: Float32Array, params: Record<string, unknown>, rate = sr): Float32Array => {
  const def = effectCatalog.get(uses)!
  const resolved = resolveChain([{ uses, ...params }], new Rng(0))
  return def.process(x, rate, resolved.items[0]!.params, new Rng(0))
}
const sine = (n: number, freq: number, amp: number, rate = sr): Float32Array => {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate)
  return x
}
const noise = (n: number, amp: number, seed = 3): Float32Array => {
  const rng = new Rng(seed)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = amp * rng.normal()
  return x
}
const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
const rms = (x: Float32Array, from = 0): number => {
  let s = 0
  for (let i = from; i < x.length; i++) s += x[i]! * x[i]!
  return Math.sqrt(s / (x.length - from))
}

/** Energy of a real signal at DFT bin k of its length (exact for periodic windows). */
const binEnergy = (x: Float32Array, k: number): number => {
  const N = x.length
  let re = 0
  let im = 0
  for (let n = 0; n < N; n++) {
    const a = (2 * Math.PI * k * n) / N
    re += x[n]! * Math.cos(a)
    im -= x[n]! * Math.sin(a)
  }
  return ((k === 0 ? 1 : 2) * (re * re + im * im)) / N
}

/**
 * A 5 kHz sine at 44.1 kHz repeats every 441 samples, so over 44100 samples every
 * harmonic below Nyquist sits on an exact bin (multiples of 5000 Hz). Everything else is
 * aliasing: (total energy - harmonic energy) / harmonic energy, in dB.
 */
const aliasDb = (y: Float32Array): number => {
  const x = y.subarray(4410, 4410 + 44100)
  let total = 0
  for (let i = 0; i < x.length; i++) total += x[i]! * x[i]!
  let harmonic = 0
  for (let f = 0; f < sr / 2; f += 5000) harmonic += binEnergy(x, f)
  return 10 * Math.log10((total - harmonic) / harmonic)
}

describe("distortion.overdrive against sox (max abs error <= 1e-4)", () => {
  const input = readFixture("input.wav")
  const fixtures = soxFixtures().filter((f) => f.chain[0]!.uses === "distortion.overdrive")
  it("has fixtures", () => expect(fixtures.length).toBeGreaterThanOrEqual(2))
  for (const fixture of fixtures) {
    it(`equals sox ${fixture.sox}`, () => {
      const out = applyChain({ sampleRate: input.sampleRate, channels: [input.samples] }, resolveChain(fixture.chain, new Rng(0)), new Rng(0))
      expect(maxAbsDiff(out.channels[0]!, readFixture(fixture.file).samples)).toBeLessThanOrEqual(1e-4)
    })
  }
})

describe("waveshapers", () => {
  const loud = noise(20000, 2)

  it("tanh: bounded by 1, mix = 0 is the dry signal, mix blends linearly", () => {
    expect(peak(run("distortion.tanh", loud, { drive_db: 30 }))).toBeLessThanOrEqual(1)
    expect(maxAbsDiff(run("distortion.tanh", loud, { mix: 0 }), loud)).toBe(0)
    const wet = run("distortion.tanh", loud, { drive_db: 6, mix: 1 })
    const half = run("distortion.tanh", loud, { drive_db: 6, mix: 0.5 })
    const expected = loud.map((v, i) => 0.5 * v + 0.5 * wet[i]!)
    expect(maxAbsDiff(half, expected)).toBeLessThan(1e-6)
  })

  it("hardclip never exceeds the threshold and leaves quieter samples alone", () => {
    for (const threshold_db of [-20, -6, 0]) {
      const t = Math.pow(10, threshold_db / 20)
      const y = run("distortion.hardclip", loud, { threshold_db })
      expect(peak(y)).toBeLessThanOrEqual(Math.fround(t))
      for (let i = 0; i < loud.length; i++) if (Math.abs(loud[i]!) < t) expect(y[i]).toBe(loud[i])
    }
  })

  it("softclip: bounded by 1, small-signal gain 1.5 x drive", () => {
    expect(peak(run("distortion.softclip", loud, { drive_db: 20 }))).toBeLessThanOrEqual(1)
    const quiet = sine(4000, 200, 1e-4)
    const g = Math.pow(10, 6 / 20)
    expect(rms(run("distortion.softclip", quiet, { drive_db: 6 })) / rms(quiet)).toBeCloseTo(1.5 * g, 4)
  })

  it("asymmetric: silence stays silent, and it makes even harmonics (tanh does not)", () => {
    expect(peak(run("distortion.asymmetric", new Float32Array(1000), { bias: 0.5 }))).toBe(0)
    const x = sine(44100 + 8820, 5000, 0.5)
    const second = (y: Float32Array) => binEnergy(y.subarray(4410, 4410 + 44100), 10000) / binEnergy(y.subarray(4410, 4410 + 44100), 5000)
    expect(10 * Math.log10(second(run("distortion.asymmetric", x, { drive_db: 12, bias: 0.4 })))).toBeGreaterThan(-30)
    expect(10 * Math.log10(second(run("distortion.tanh", x, { drive_db: 12 })))).toBeLessThan(-100)
  })

  it("foldback: |y| <= threshold, identity below it, folds back above it", () => {
    const y = run("distortion.foldback", loud, { threshold: 0.3, drive_db: 12 })
    expect(peak(y)).toBeLessThanOrEqual(Math.fround(0.3) + 1e-7)
    const small = sine(1000, 440, 0.2)
    expect(maxAbsDiff(run("distortion.foldback", small, { threshold: 0.3 }), small)).toBeLessThan(1e-7)
    // 0.4 with threshold 0.3 reflects to 0.2; 0.7 to -0.1.
    const folded = run("distortion.foldback", Float32Array.of(0.4, 0.7, -0.4), { threshold: 0.3 })
    expect(Array.from(folded).map((v) => +v.toFixed(6))).toEqual([0.2, -0.1, -0.2])
  })

  it("bitcrush: 2^bits levels on the 2^-(bits-1) grid, held for `downsample` samples", () => {
    for (const bits of [1, 3, 6]) {
      const y = run("distortion.bitcrush", loud, { bits })
      const levels = new Set(Array.from(y))
      expect(levels.size).toBe(2 ** bits) // loud noise reaches every level
      const s = 2 ** (bits - 1)
      for (const v of levels) expect(Number.isInteger(v * s)).toBe(true)
    }
    const held = run("distortion.bitcrush", noise(1000, 0.3), { bits: 16, downsample: 4 })
    for (let i = 0; i < 1000; i++) expect(held[i]).toBe(held[i - (i % 4)])
  })
})

describe("distortion.diode_clipper", () => {
  it("output is bounded by the diode knee however hard it is driven", () => {
    // The circuit's own output (oversample 1): never above the diode's forward voltage at the largest current.
    const hot = noise(20000, 1, 9)
    const knee = (diode: string) => peak(run("distortion.diode_clipper", hot, { drive_db: 48, diode, oversample: 1 }))
    const si = knee("si")
    const ge = knee("ge")
    const led = knee("led")
    expect(si).toBeLessThan(0.9)
    expect(si).toBeGreaterThan(0.5)
    expect(ge).toBeLessThan(0.5)
    expect(led).toBeGreaterThan(1.5)
    expect(led).toBeLessThan(2.2)
    // Oversampled (the default), a hard-driven tone stays below the knee plus the anti-alias filter's small overshoot.
    const tone = sine(20000, 200, 1)
    expect(peak(run("distortion.diode_clipper", tone, { drive_db: 48, diode: "si" }))).toBeLessThan(1.1 * si)
  })

  it("follows scipy's Radau solution of the same circuit ODE (fixture), closer as the step shrinks", () => {
    const x = readFixture("diode_input.wav")
    const ref = readFixture("diode_si_reference.wav")
    expect(peak(ref.samples)).toBeGreaterThan(0.55) // the reference really clips
    // Sample 0 differs by convention (scipy starts at V(0) = 0, we step from silence before
    // sample 0) and the RC settles within 5 RC = 25 samples; the last samples see the
    // oversampler's end padding. Compare in between.
    const err = (oversample: number) => {
      const y = run("distortion.diode_clipper", x.samples, { drive_db: 12, cutoff_hz: 3000, diode: "si", oversample }, x.sampleRate)
      return maxAbsDiff(y.subarray(100, 1820), ref.samples.subarray(100, 1820))
    }
    const e1 = err(1)
    const e4 = err(4)
    expect(e1).toBeLessThan(1e-2) // trapezoidal rule at 96 kHz
    expect(e4).toBeLessThan(2e-3) // 4x smaller step (what is left: linear vs band-limited input between samples)
    expect(e4).toBeLessThan(e1 / 3)
  })

  it("small-signal gain is 1 below the cutoff and -3 dB at it (an RC low-pass)", () => {
    const gainDb = (freq: number, cutoff: number, diode: string) => {
      const x = sine(22050, freq, 0.001)
      const y = run("distortion.diode_clipper", x, { drive_db: 0, cutoff_hz: cutoff, diode })
      return 20 * Math.log10(rms(y, 4000) / rms(x, 4000))
    }
    expect(Math.abs(gainDb(100, 5000, "si"))).toBeLessThan(0.05)
    expect(Math.abs(gainDb(100, 5000, "led"))).toBeLessThan(0.05)
    expect(Math.abs(gainDb(100, 5000, "ge"))).toBeLessThan(0.3)
    // Trapezoidal integration warps the corner slightly: allow 0.3 dB.
    expect(gainDb(2000, 2000, "si")).toBeCloseTo(-3.01, 0)
    expect(Math.abs(gainDb(2000, 2000, "si") + 3.01)).toBeLessThan(0.3)
  })

  it("stays finite and deterministic at extreme drive and low cutoff", () => {
    const x = noise(5000, 1, 4)
    const a = run("distortion.diode_clipper", x, { drive_db: 60, cutoff_hz: 100, diode: "ge", oversample: 1 })
    const b = run("distortion.diode_clipper", x, { drive_db: 60, cutoff_hz: 100, diode: "ge", oversample: 1 })
    expect(a.every(Number.isFinite)).toBe(true)
    expect(maxAbsDiff(a, b)).toBe(0)
  })

  it("rejects a cutoff above the (oversampled) Nyquist frequency", () => {
    expect(() => run("distortion.diode_clipper", new Float32Array(10), { cutoff_hz: 12000, oversample: 1 }, 16000)).toThrow(/cutoff_hz 12000/)
  })
})

describe("oversampling", () => {
  const x = sine(44100 + 8820, 5000, 0.8)

  for (const [uses, params] of [
    ["distortion.tanh", { drive_db: 12 }],
    ["distortion.softclip", { drive_db: 6 }],
    ["distortion.diode_clipper", { drive_db: 24 }]
  ] as const) {
    it(`${uses}: 4x oversampling puts aliasing of a 5 kHz sine at least 20 dB lower than 1x`, () => {
      const a1 = aliasDb(run(uses, x, { ...params, oversample: 1 }))
      const a4 = aliasDb(run(uses, x, { ...params, oversample: 4 }))
      expect(a1).toBeGreaterThan(-90) // there is aliasing to remove
      expect(a4).toBeLessThan(a1 - 20)
    })
  }

  it("every static nonlinearity takes oversample = 1|2|4|8 and stays aligned with the 1x result", () => {
    const low = sine(6000, 150, 0.3)
    const statics = distortionEffects.filter((d) => "oversample" in (d.params["properties"] as object))
    expect(statics.length).toBe(distortionEffects.length)
    for (const def of statics) {
      const ref = run(def.uses, low, { oversample: 1 })
      for (const oversample of [2, 4, 8]) {
        const y = run(def.uses, low, { oversample })
        // A 150 Hz tone at moderate drive: harmonics are far below Nyquist, so only the filters' tiny ripple differs.
        let err = 0
        for (let i = 500; i < 5500; i++) err = Math.max(err, Math.abs(y[i]! - ref[i]!))
        const tolerance = def.uses === "distortion.bitcrush" || def.uses === "distortion.hardclip" || def.uses === "distortion.foldback" ? 0.2 : 0.02
        expect(err, `${def.uses} at ${oversample}x`).toBeLessThan(tolerance * Math.max(1e-3, peak(ref)))
      }
    }
  })
})

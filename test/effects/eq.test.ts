import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { applyChain, resolveChain } from "../../src/effects/chain.js"
import { effectCatalog } from "../../src/effects/registry.js"
import { maxAbsDiff, readFixture, soxFixtures } from "./sox-reference.js"

const eqFixtures = soxFixtures().filter((f) => f.chain[0]!.uses.startsWith("eq."))

describe("EQ against sox (test/fixtures/effects, max abs error <= 1e-4)", () => {
  const input = readFixture("input.wav")

  it("covers every EQ type", () => {
    const covered = new Set(eqFixtures.flatMap((f) => f.chain.flatMap((c) => [c.uses, ...((c["bands"] as { uses: string }[]) ?? []).map((b) => b.uses)])))
    for (const uses of ["eq.peaking", "eq.lowshelf", "eq.highshelf", "eq.lowpass", "eq.highpass", "eq.bandpass", "eq.notch", "eq.parametric"]) {
      expect(covered.has(uses), uses).toBe(true)
    }
  })

  for (const fixture of eqFixtures) {
    it(`${fixture.chain.map((c) => c.uses).join(" + ")} equals sox ${fixture.sox}`, () => {
      const expected = readFixture(fixture.file)
      const resolved = resolveChain(fixture.chain, new Rng(1))
      const out = applyChain({ sampleRate: input.sampleRate, channels: [input.samples] }, resolved, new Rng(2)).channels[0]!
      const err = maxAbsDiff(out, expected.samples)
      expect(err).toBeLessThanOrEqual(1e-4)
      // The filters really did something: the output is far from the input.
      expect(maxAbsDiff(out, input.samples)).toBeGreaterThan(1e-2)
    })
  }
})

describe("EQ effects", () => {
  const sr = 48000
  const tone = (freq: number, n = 48000): Float32Array => {
    const x = new Float32Array(n)
    for (let i = 0; i < n; i++) x[i] = 0.25 * Math.sin((2 * Math.PI * freq * i) / sr)
    return x
  }
  const rmsTail = (x: Float32Array): number => {
    let s = 0
    const start = x.length >> 1
    for (let i = start; i < x.length; i++) s += x[i]! * x[i]!
    return Math.sqrt(s / (x.length - start))
  }
  const gainDb = (uses: string, params: Record<string, unknown>, freq: number): number => {
    const x = tone(freq)
    const y = effectCatalog.get(uses)!.process(x, sr, params, new Rng(0))
    return 20 * Math.log10(rmsTail(y) / rmsTail(x))
  }

  it("peaking: +gain_db at the centre, 0 dB far away", () => {
    expect(gainDb("eq.peaking", { freq: 1000, q: 1, gain_db: 9 }, 1000)).toBeCloseTo(9, 1)
    expect(gainDb("eq.peaking", { freq: 1000, q: 1, gain_db: 9 }, 20)).toBeCloseTo(0, 1)
  })

  it("shelves: full gain deep in the shelf, none on the other side", () => {
    expect(gainDb("eq.lowshelf", { freq: 500, q: 0.7071, gain_db: -8 }, 30)).toBeCloseTo(-8, 1)
    expect(gainDb("eq.lowshelf", { freq: 500, q: 0.7071, gain_db: -8 }, 15000)).toBeCloseTo(0, 1)
    expect(gainDb("eq.highshelf", { freq: 2000, q: 0.7071, gain_db: 6 }, 20000)).toBeCloseTo(6, 1)
  })

  it("lowpass/highpass: -3 dB at the corner for Butterworth q, bandpass 0 dB at the centre, notch deep", () => {
    expect(gainDb("eq.lowpass", { freq: 2000, q: Math.SQRT1_2 }, 2000)).toBeCloseTo(-3.01, 1)
    expect(gainDb("eq.highpass", { freq: 2000, q: Math.SQRT1_2 }, 2000)).toBeCloseTo(-3.01, 1)
    expect(gainDb("eq.bandpass", { freq: 3000, q: 2 }, 3000)).toBeCloseTo(0, 1)
    expect(gainDb("eq.notch", { freq: 3000, q: 2 }, 3000)).toBeLessThan(-40)
  })

  it("parametric is the cascade of its bands", () => {
    const x = tone(700, 4000)
    const bands = [
      { uses: "eq.peaking", freq: 700, q: 2, gain_db: 5 },
      { uses: "eq.highpass", freq: 100, q: 0.7071 }
    ]
    const both = effectCatalog.get("eq.parametric")!.process(x, sr, { bands }, new Rng(0))
    const one = effectCatalog.get("eq.peaking")!.process(x, sr, bands[0], new Rng(0))
    const two = effectCatalog.get("eq.highpass")!.process(one, sr, bands[1], new Rng(0))
    expect(maxAbsDiff(both, two)).toBeLessThan(1e-6)
  })

  it("rejects a frequency above Nyquist with the effect name", () => {
    expect(() => effectCatalog.get("eq.lowpass")!.process(tone(100, 100), 16000, { freq: 9000, q: 0.7 }, new Rng(0))).toThrow(
      /eq\.lowpass: freq 9000 Hz .*Nyquist.*8000/
    )
  })
})

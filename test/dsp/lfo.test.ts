import { describe, expect, it } from "vitest"
import { Lfo, lfoValue } from "../../src/dsp/lfo.js"

describe("Lfo", () => {
  it("sine starts at 0 rising and matches sin(2π f t + phase)", () => {
    const fs = 1000
    const lfo = new Lfo("sine", 3, fs, 0.125)
    for (let n = 0; n < 2000; n++) expect(lfo.next()).toBeCloseTo(Math.sin(2 * Math.PI * (3 * n / fs + 0.125)), 9)
  })

  it("triangle hits 0, 1, 0, -1 at quarter cycles and is linear between", () => {
    expect(lfoValue("triangle", 0)).toBeCloseTo(0, 12)
    expect(lfoValue("triangle", 0.25)).toBeCloseTo(1, 12)
    expect(lfoValue("triangle", 0.5)).toBeCloseTo(0, 12)
    expect(lfoValue("triangle", 0.75)).toBeCloseTo(-1, 12)
    expect(lfoValue("triangle", 0.125)).toBeCloseTo(0.5, 12)
    expect(lfoValue("triangle", 1.625)).toBeCloseTo(-0.5, 12)
    const lfo = new Lfo("triangle", 1, 8, 0)
    const got = Array.from({ length: 9 }, () => lfo.next())
    const want = [0, 0.5, 1, 0.5, 0, -0.5, -1, -0.5, 0]
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12))
  })

  it("rejects an unknown shape", () => {
    expect(() => new Lfo("square" as never, 1, 100)).toThrow(/shape/)
  })
})

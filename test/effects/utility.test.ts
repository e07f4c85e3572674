import { describe, expect, it } from "vitest"
import { gainEffect } from "../../src/effects/utility/gain.js"
import { polarityEffect } from "../../src/effects/utility/polarity.js"
import { Rng } from "../../src/params/rng.js"

const noise = (n: number) => {
  const rng = new Rng(5)
  return Float32Array.from({ length: n }, () => rng.normal())
}

describe("gain", () => {
  it("multiplies by exactly 10^(gain_db/20) (float32 rounding of the product only)", () => {
    const x = noise(1000)
    for (const gain_db of [-120, -6, 0, 3.5, 60]) {
      const g = 10 ** (gain_db / 20)
      const y = gainEffect.process(x, 44100, { gain_db }, new Rng(1))
      for (let i = 0; i < x.length; i++) expect(y[i]).toBe(Math.fround(x[i]! * g))
    }
    expect(Array.from(gainEffect.process(x, 44100, { gain_db: 0 }, new Rng(1)))).toEqual(Array.from(x))
  })
})

describe("polarity", () => {
  it("negates exactly, twice is the identity, invert=false is an unchanged copy", () => {
    const x = noise(1000)
    const y = polarityEffect.process(x, 44100, { invert: true }, new Rng(1))
    for (let i = 0; i < x.length; i++) expect(y[i]).toBe(-x[i]!)
    expect(Array.from(polarityEffect.process(y, 44100, { invert: true }, new Rng(1)))).toEqual(Array.from(x))
    const same = polarityEffect.process(x, 44100, { invert: false }, new Rng(1))
    expect(same).not.toBe(x)
    expect(Array.from(same)).toEqual(Array.from(x))
  })
})

import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { resolveChain } from "../../src/effects/chain.js"
import { effectCatalog } from "../../src/effects/registry.js"
import { readFixture } from "./sox-reference.js"

const run = (x: Float32Array, sampleRate: number, params: Record<string, unknown>): Float32Array => {
  const def = effectCatalog.get("distortion.tubescreamer")!
  const resolved = resolveChain([{ uses: "distortion.tubescreamer", ...params }], new Rng(0))
  return def.process(x, sampleRate, resolved.items[0]!.params, new Rng(0))
}
const esr = (y: Float32Array, ref: Float32Array): number => {
  let num = 0
  let den = 0
  for (let i = 0; i < ref.length; i++) {
    num += (y[i]! - ref[i]!) ** 2
    den += ref[i]! ** 2
  }
  return num / den
}

describe("distortion.tubescreamer", () => {
  // ngspice on configs/circuits/sd1.cir, read band-limited (test/fixtures/effects/make_tubescreamer_fixture.py)
  const x = readFixture("tubescreamer_input.wav")
  for (const drive of [0, 0.5, 1]) {
    it(`matches ngspice on the SD-1 netlist at drive ${drive} (ESR 2e-6 measured; issue 14 asks < 0.005)`, () => {
      const ref = readFixture(`tubescreamer_drive_${drive}.wav`).samples
      expect(esr(run(x.samples, x.sampleRate, { drive, tone: 1, level: 1 }), ref)).toBeLessThan(1e-4)
      // also without oversampling at this level (6e-6 measured at drive 1)
      expect(esr(run(x.samples, x.sampleRate, { drive, tone: 1, level: 1, oversample: 1 }), ref)).toBeLessThan(1e-4)
      // the comparison sees the knob: the neighbouring drive setting is far off (ESR 0.026 to 2.2 measured)
      expect(esr(run(x.samples, x.sampleRate, { drive: drive === 1 ? 0.5 : drive + 0.5, tone: 1, level: 1 }), ref)).toBeGreaterThan(5e-3)
    })
  }

  it("level scales the output, tone darkens it, and the clipping is asymmetric", () => {
    const sr = 48000
    const sine = Float32Array.from({ length: 9600 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr))
    const full = run(sine, sr, { drive: 1, tone: 1 })
    const half = run(sine, sr, { drive: 1, tone: 1, level: 0.5 })
    for (let i = 0; i < full.length; i += 97) expect(half[i]).toBeCloseTo(0.5 * full[i]!, 6)
    const tail = full.subarray(4800)
    const top = Math.max(...tail)
    const bottom = -Math.min(...tail)
    expect(top / bottom).toBeGreaterThan(1.4) // two diodes in series one way, one the other
    const energyAbove = (y: Float32Array) => {
      // energy of the first difference: a rough high-frequency measure
      let s = 0
      for (let i = 4801; i < y.length; i++) s += (y[i]! - y[i - 1]!) ** 2
      return s
    }
    expect(energyAbove(run(sine, sr, { drive: 1, tone: 0 }))).toBeLessThan(0.3 * energyAbove(full))
  })
})

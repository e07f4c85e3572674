import { describe, expect, it } from "vitest"
import { resolveChain } from "../../src/effects/chain.js"
import { resampleStep } from "../../src/augment/resample.js"
import { pluckGenerator } from "../../src/synth/generators/pluck.js"
import { renderGenerator } from "../../src/synth/generators/mix.js"
import { drawParams } from "../../src/params/draw.js"
import { Rng } from "../../src/params/rng.js"
import { withDefaults } from "../../src/params/values.js"
import { chiSquareUniform, gammaQ } from "./chi-square.js"

const N = 20_000

/** How often each integer of [lo, hi] came out of `draw` in N calls (anything else fails the test). */
const tally = (lo: number, hi: number, draw: (i: number) => unknown): number[] => {
  const counts = new Array<number>(hi - lo + 1).fill(0)
  for (let i = 0; i < N; i++) {
    const v = draw(i)
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw new Error(`draw ${i} gave ${String(v)}, outside the integers ${lo}..${hi}`)
    counts[v - lo]!++
  }
  return counts
}

describe("chi-square p-values", () => {
  it("match published critical values (dof 4: 13.277 at 0.01, 9.488 at 0.05; dof 1: 3.841 at 0.05)", () => {
    expect(gammaQ(2, 13.2767 / 2)).toBeCloseTo(0.01, 5)
    expect(gammaQ(2, 9.48773 / 2)).toBeCloseTo(0.05, 5)
    expect(gammaQ(0.5, 3.84146 / 2)).toBeCloseTo(0.05, 5)
    expect(gammaQ(10, 31.4104 / 2)).toBeCloseTo(0.05, 5) // dof 20
  })

  it("reject the old chain rule (a rounded real uniform halves the end points)", () => {
    const rng = new Rng(1)
    const counts = tally(4, 8, () => Math.round(rng.uniform(4, 8)))
    expect(counts[0]! / counts[2]!).toBeLessThan(0.6)
    expect(chiSquareUniform(counts).p).toBeLessThan(1e-12)
  })
})

describe("integer { uniform = [4, 8] } draws are uniform over 4..8 (20,000 draws, chi-square p > 0.01)", () => {
  it("through an effect chain (distortion.bitcrush bits)", () => {
    const rng = new Rng(7)
    const chain = [{ uses: "distortion.bitcrush", bits: { uniform: [4, 8] } }]
    const counts = tally(4, 8, () => resolveChain(chain, rng).items[0]!.params["bits"])
    const { p } = chiSquareUniform(counts)
    expect(p, `counts ${counts.join(", ")}`).toBeGreaterThan(0.01)
    for (const c of counts) expect(c).toBeGreaterThan(N / 5 - 300) // the end points are not halved
  })

  it("through a generator (pluck notes, as source.synthetic renders it and labels it)", () => {
    const item = withDefaults(pluckGenerator.params, { uses: "pluck", notes: { uniform: [4, 8] } }) as Record<string, unknown>
    const root = new Rng(11)
    const counts = tally(4, 8, (i) => {
      const labels: Record<string, unknown> = {}
      const out = new Float32Array(32)
      renderGenerator(pluckGenerator, item, out, { sampleRate: 8000, seconds: out.length / 8000, rng: root.fork(i), label: (k, v) => (labels[k] = v) }, "pluck")
      return labels["pluck.notes"]
    })
    const { p } = chiSquareUniform(counts)
    expect(p, `counts ${counts.join(", ")}`).toBeGreaterThan(0.01)
  })

  it("through an augmentation step's params (resample rate over 8000..8004 Hz)", () => {
    const rng = new Rng(13)
    const params = withDefaults(resampleStep.params, { rate: { uniform: [8000, 8004] } })
    const counts = tally(8000, 8004, () => drawParams(resampleStep.params, params, rng).value["rate" as never])
    expect(chiSquareUniform(counts).p, `counts ${counts.join(", ")}`).toBeGreaterThan(0.01)
  })
})

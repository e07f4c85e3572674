import { describe, expect, it } from "vitest"
import { Rng } from "../../../src/params/rng.js"
import type { ChainItem } from "../../../src/effects/chain.js"
import { applyChain, resolveChain } from "../../../src/effects/chain.js"
import { integratedLoudness } from "../../../src/features/lufs.js"
import { loadBackend } from "../../../src/ml/backend.js"
import { toUnits } from "../../../src/ml/differentiable/param-space.js"
import { splitHalves } from "../../../src/ml/style/halves.js"
import { renderAt } from "../../../src/ml/style/render.js"
import { applyTilt, ruleBasedMatch } from "../../../src/ml/style/rule-based.js"
import { evaluatePair, summarise, tableMarkdown } from "../../../src/ml/style/style-evaluation.js"
import { styleStatistics } from "../../../src/ml/style/style-loss.js"
import { knownT, makeStylePair, REFERENCE_HALF_LABEL, styleFreeParams } from "../../../src/ml/style/style-pairs.js"

const fs = 16000
const noise = (n: number, seed: number, scale = 0.2): Float32Array => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n }, () => scale * rng.normal())
}
const corrupt: ChainItem[] = [{ uses: "eq.peaking", freq: 1000, q: 1, gain_db: { uniform: [-12, 12] } }]
const style: ChainItem[] = [
  { uses: "eq.lowshelf", freq: { log_uniform: [80, 300] }, gain_db: { uniform: [-12, 12] } },
  { uses: "dynamics.compressor", threshold_db: { uniform: [-30, -10] }, ratio: { uniform: [1, 6] }, attack_ms: 5, release_ms: 80, knee_db: 6, makeup_db: 0 }
]
const clip = { sampleRate: fs, channels: [noise(fs, 1)] }

describe("style pairs (DeepAFx-ST way)", () => {
  it("input = clip through the corrupting chain, target = clip through the style chain at the labelled point", () => {
    const free = styleFreeParams(style)
    const rng = new Rng(5)
    const p = makeStylePair(clip, corrupt, style, free, rng)
    // the corruption is the corrupting chain with the draw of the pair's "corrupt" fork
    const c = new Rng(5).fork("corrupt")
    const input = applyChain(clip, resolveChain(corrupt, c.fork("params")), c.fork("effects")).channels[0]!
    expect(Array.from(p.input.channels[0]!)).toEqual(Array.from(input))
    // labels: t in [0, 1] and the same values in units; re-rendering from them gives the target bit for bit
    const t = knownT(p.labels, free)
    expect(t.every((v) => v !== undefined && v >= 0 && v <= 1)).toBe(true)
    free.forEach((f, i) => expect(p.labels[`style.${f.name}`]).toBeCloseTo(toUnits(f, t[i]!), 9))
    expect(Array.from(renderAt(style, free, t as number[], clip, 0).channels[0]!)).toEqual(Array.from(p.target.channels[0]!))
    expect([0, 1]).toContain(p.labels[REFERENCE_HALF_LABEL])
  })

  it("is deterministic per stream, and different streams draw different settings", () => {
    const free = styleFreeParams(style)
    const a = makeStylePair(clip, corrupt, style, free, new Rng(9).fork("x"))
    const b = makeStylePair(clip, corrupt, style, free, new Rng(9).fork("x"))
    const c = makeStylePair(clip, corrupt, style, free, new Rng(9).fork("y"))
    expect(Array.from(a.target.channels[0]!)).toEqual(Array.from(b.target.channels[0]!))
    expect(Array.from(a.t)).toEqual(Array.from(b.t))
    expect(Array.from(a.t)).not.toEqual(Array.from(c.t))
  })

  it("splits into halves: the reference and the truth are the two halves of the target", () => {
    const x = Float32Array.from({ length: 9 }, (_, i) => i)
    const y = Float32Array.from({ length: 9 }, (_, i) => 100 + i)
    const h = splitHalves(x, y, 1)
    expect(Array.from(h.input)).toEqual([0, 1, 2, 3])
    expect(Array.from(h.truth)).toEqual([100, 101, 102, 103])
    expect(Array.from(h.reference)).toEqual([104, 105, 106, 107])
    expect(Array.from(h.referenceInput)).toEqual([4, 5, 6, 7])
    const g = splitHalves(x, y, 0)
    expect(Array.from(g.input)).toEqual([4, 5, 6, 7])
    expect(Array.from(g.reference)).toEqual([100, 101, 102, 103])
    expect(() => splitHalves(x, y.subarray(1), 0)).toThrow(/input has 9 samples, target 8/)
  })
})

describe("rule-based baseline", () => {
  it("tilts by Δ·log2(f / 1 kHz) dB: a 4 kHz sine gains 2Δ dB, a 250 Hz sine loses 2Δ", () => {
    const sine = (f: number) => Float32Array.from({ length: 8000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * f * i) / fs))
    const rms = (x: Float32Array) => Math.sqrt(x.subarray(2000, 6000).reduce((a, v) => a + v * v, 0) / 4000)
    for (const [f, expected] of [[4000, 6], [250, -6]] as const) {
      const x = sine(f)
      const gainDb = 20 * Math.log10(rms(applyTilt(x, fs, 3)) / rms(x))
      expect(gainDb).toBeCloseTo(expected, 1)
    }
  })

  it("matches the reference's slope within 0.5 dB/octave and its loudness within 0.1 LU", () => {
    const x = noise(fs, 2)
    const reference = applyTilt(noise(fs, 3, 0.05), fs, -4)
    const r = ruleBasedMatch(x, reference, fs)
    const slope = (s: Float32Array) => styleStatistics(s, fs).slopeDbPerOctave
    expect(Math.abs(slope(r.output) - slope(reference))).toBeLessThan(0.5)
    expect(Math.abs(integratedLoudness([r.output], fs).integrated - integratedLoudness([reference], fs).integrated)).toBeLessThan(0.1)
  })
})

describe("style evaluation (DeepAFx-ST table)", () => {
  it("scores input, rule-based and mode A on a pair; autodiff beats the uncorrected input", async () => {
    const { tf } = await loadBackend("cpu")
    const chain: ChainItem[] = [{ uses: "eq.peaking", freq: { log_uniform: [300, 3000] }, q: 1, gain_db: { uniform: [-12, 12] } }, { uses: "gain", gain_db: { uniform: [-12, 12] } }]
    const free = styleFreeParams(chain)
    const clean = { sampleRate: fs, channels: [noise(fs, 4)] }
    const p = makeStylePair(clean, [], chain, free, new Rng(11))
    const score = await evaluatePair(
      chain,
      free,
      { input: p.input.channels[0]!, target: p.target.channels[0]!, referenceHalf: p.referenceHalf, sampleRate: fs, t: knownT(p.labels, free) },
      { methods: ["input", "rule_based", "autodiff"], match: { iterations: 40, learningRate: 0.05, spsa: { perturbations: 2, epsilonStart: 0.001, epsilonEnd: 0.0005 } }, seed: 0, tf }
    )
    expect(score.input!.paramMae).toBeUndefined()
    expect(score.autodiff!.mrstft).toBeLessThan(score.input!.mrstft / 2)
    expect(score.autodiff!.paramMae).toBeLessThan(0.1)
    expect(score.autodiff!.lufsError).toBeLessThan(1)
    const table = summarise([score, score])
    expect(table.autodiff!.reduction).toBeCloseTo(score.input!.mrstft / score.autodiff!.mrstft, 9)
    expect(table.input!.reduction).toBe(1)
    const md = tableMarkdown(table)
    expect(md.split("\n")).toHaveLength(5)
    expect(md).toMatch(/^\| method \| MR-STFT \| LUFS error \| param MAE/)
    await expect(
      evaluatePair(chain, free, { input: p.input.channels[0]!, target: p.target.channels[0]!, referenceHalf: 0, sampleRate: fs, t: [] }, { methods: ["encoder"], match: { iterations: 1, learningRate: 0.1, spsa: { perturbations: 1, epsilonStart: 0.001, epsilonEnd: 0.001 } }, seed: 0 })
    ).rejects.toThrow(/needs a trained style encoder/)
  })
})

import { describe, expect, it } from "vitest"
import { Rng } from "../../../src/params/rng.js"
import type { ChainItem } from "../../../src/effects/chain.js"
import { applyChain, resolveChain } from "../../../src/effects/chain.js"
import { chainAt, toNormalised, toUnits } from "../../../src/ml/differentiable/param-space.js"
import { linearHeadLength, linearResponseDb, responseGrid, RESPONSE_POINTS } from "../../../src/ml/style/linear-response.js"
import { corruptResponseDb, makeStylePair, styleFreeParams } from "../../../src/ml/style/style-pairs.js"
import { eqTeacher } from "../../../src/ml/style/teacher.js"

const fs = 16000

/** |DFT| in dB of the chain's impulse response at `f` Hz: the filters run in the time domain, independent of the transfer functions. */
const measuredDb = (chain: ChainItem[], freqs: ArrayLike<number>): number[] => {
  const n = 1 << 15
  const impulse = new Float32Array(n)
  impulse[0] = 1
  const h = applyChain({ sampleRate: fs, channels: [impulse] }, resolveChain(chain, new Rng(0)), new Rng(0)).channels[0]!
  return Array.from(freqs, (f) => {
    let re = 0
    let im = 0
    for (let i = 0; i < n; i++) {
      re += h[i]! * Math.cos((2 * Math.PI * f * i) / fs)
      im -= h[i]! * Math.sin((2 * Math.PI * f * i) / fs)
    }
    return 10 * Math.log10(re * re + im * im)
  })
}

const eqChain: ChainItem[] = [
  { uses: "gain", gain_db: -3 },
  {
    uses: "eq.parametric",
    bands: [
      { uses: "eq.lowshelf", freq: 150, gain_db: 6 },
      { uses: "eq.peaking", freq: 1200, q: 2, gain_db: -9 }
    ]
  },
  { uses: "eq.highshelf", freq: 4000, gain_db: 4 },
  { uses: "dynamics.compressor", threshold_db: -20, ratio: 4 }
]

describe("linear response of a chain's EQ head", () => {
  it("equals the DFT of the rendered impulse response within 0.01 dB on the grid; the head stops at the compressor", () => {
    const resolved = resolveChain(eqChain, new Rng(0))
    expect(linearHeadLength(resolved)).toBe(3)
    const grid = responseGrid(fs)
    expect(grid.length).toBe(RESPONSE_POINTS)
    expect(grid[0]).toBeCloseTo(40, 9)
    expect(grid[RESPONSE_POINTS - 1]).toBeCloseTo(7200, 6)
    const ours = linearResponseDb(resolved, grid, fs)
    const measured = measuredDb(eqChain.slice(0, 3), grid)
    ours.forEach((v, k) => expect(Math.abs(v - measured[k]!)).toBeLessThan(0.01))
    expect(() => linearResponseDb(resolved, grid, fs, 4)).toThrow(/chain\[3\] \(dynamics\.compressor\) is not a linear EQ/)
  })

  it("style.pairs records the corrupting response as corrupt_db[k] when the corrupting chain is all EQs and gains, not otherwise", () => {
    const style: ChainItem[] = [{ uses: "gain", gain_db: { uniform: [-6, 6] } }]
    const free = styleFreeParams(style)
    const clip = { sampleRate: fs, channels: [Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i / 7))] }
    const corrupt: ChainItem[] = [{ uses: "eq.peaking", freq: { log_uniform: [300, 3000] }, q: 1, gain_db: { uniform: [-12, 12] } }]
    const p = makeStylePair(clip, corrupt, style, free, new Rng(3))
    const recorded = corruptResponseDb(p.labels)!
    const drawn = resolveChain(corrupt, new Rng(3).fork("corrupt").fork("params"))
    expect(Array.from(recorded)).toEqual(Array.from(linearResponseDb(drawn, responseGrid(fs), fs)))
    expect(Math.max(...recorded.map(Math.abs))).toBeGreaterThan(0.5)
    const q = makeStylePair(clip, [{ uses: "distortion.tanh", drive_db: 6 }], style, free, new Rng(3))
    expect(corruptResponseDb(q.labels)).toBeUndefined()
  })
})

describe("EQ teacher", () => {
  const chain: ChainItem[] = [
    { uses: "eq.parametric", bands: [{ uses: "eq.peaking", freq: 1000, q: 1, gain_db: { uniform: [-12, 12] } }] },
    { uses: "dynamics.compressor", threshold_db: { uniform: [-40, -5] }, ratio: { uniform: [1, 8] }, attack_ms: 5, release_ms: 100, knee_db: 6, makeup_db: 0 }
  ]
  const free = styleFreeParams(chain)
  const gain = free.findIndex((p) => p.name === "chain[0].bands[0].gain_db")

  it("undoes a corrupting bell at the style bell's frequency: +3 dB styled over a +6 dB corruption becomes about −3 dB; the compressor's coordinates stay", () => {
    const known = free.map((p) => (p.name.endsWith("gain_db") ? toNormalised(p, 3) : 0.3))
    const corrupt = linearResponseDb(resolveChain([{ uses: "eq.peaking", freq: 1000, q: 1, gain_db: 6 }], new Rng(0)), responseGrid(fs), fs)
    const t = eqTeacher(chain, free, known, corrupt, fs, 0)
    expect(toUnits(free[gain]!, t[gain]!)).toBeCloseTo(-3, 1)
    free.forEach((_, i) => i !== gain && expect(t[i]).toBe(known[i]))
    // the teacher's EQ head, applied after the corruption, reproduces the style EQ's response within 0.1 dB
    const grid = responseGrid(fs)
    const styleDb = linearResponseDb(resolveChain(chainAt(chain, free, known), new Rng(0)), grid, fs, 1)
    const teacherDb = linearResponseDb(resolveChain(chainAt(chain, free, t), new Rng(0)), grid, fs, 1)
    teacherDb.forEach((v, k) => expect(Math.abs(v + corrupt[k]! - styleDb[k]!)).toBeLessThan(0.1))
  })

  it("a flat corruption leaves the known coordinates; a chain without an EQ head returns them unchanged", () => {
    const known = free.map(() => 0.7)
    const t = eqTeacher(chain, free, known, new Float64Array(RESPONSE_POINTS), fs, 0)
    expect(t[gain]).toBeCloseTo(0.7, 2)
    const comp = chain.slice(1)
    const cfree = styleFreeParams(comp)
    expect(Array.from(eqTeacher(comp, cfree, [0.2, 0.9], new Float64Array(RESPONSE_POINTS).fill(6), fs, 0))).toEqual([0.2, 0.9])
  })
})

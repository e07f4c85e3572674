import { describe, expect, it } from "vitest"
import { Rng } from "../../../src/params/rng.js"
import type { ChainItem } from "../../../src/effects/chain.js"
import { loadBackend } from "../../../src/ml/backend.js"
import { applyDifferentiableChain } from "../../../src/ml/differentiable/chain.js"
import { freeParams } from "../../../src/ml/differentiable/param-space.js"
import { evaluateAt, type SearchSetup } from "../../../src/ml/style/evaluation-task.js"
import { matchStyle, SPSA_DEFAULTS } from "../../../src/ml/style/match-style.js"
import { MrStftTarget } from "../../../src/ml/style/mrstft.js"
import { makeObjective } from "../../../src/ml/style/objective.js"
import { effectsRng, renderAt } from "../../../src/ml/style/render.js"
import { spsaGradient } from "../../../src/ml/style/spsa.js"

const { tf } = await loadBackend("cpu")
const fs = 22050

const noise = (n: number, seed: number, scale = 0.3): Float32Array => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n }, () => scale * rng.normal())
}

/** DeepAFx-ST's EQ search space: 6 bands, 18 parameters (gains ±24 dB, Q 0.1–10). */
const band = (uses: string, lo: number, hi: number) => ({
  uses,
  freq: { log_uniform: [lo, hi] },
  q: { log_uniform: [0.1, 10] },
  gain_db: { uniform: [-24, 24] }
})
const deepAfxEq: ChainItem = {
  uses: "eq.parametric",
  bands: [
    band("eq.lowshelf", 20, 200),
    band("eq.peaking", 200, 2000),
    band("eq.peaking", 800, 4000),
    band("eq.peaking", 2000, 8000),
    band("eq.peaking", 4000, 10800),
    band("eq.highshelf", 4000, 10800)
  ]
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let ab = 0, aa = 0, bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!
    aa += a[i]! * a[i]!
    bb += b[i]! * b[i]!
  }
  return ab / Math.sqrt(aa * bb)
}

describe("SPSA against autodiff on the differentiable EQ", () => {
  it("the SPSA estimate averaged over 64 Rademacher perturbations has cosine similarity > 0.8 with the autodiff gradient", async () => {
    const chain = [deepAfxEq]
    const free = freeParams(chain)
    expect(free).toHaveLength(18)
    const input = noise(fs, 1)
    // a reference from the same chain at another point of the space
    const tRef = Float64Array.from(free, (_, i) => 0.2 + 0.6 * new Rng(9).fork(i).next())
    const reference = renderAt(chain, free, tRef, { sampleRate: fs, channels: [input] }, 0).channels[0]!
    const t = new Float64Array(free.length).fill(0.5)
    const objective = makeObjective(reference, fs, "match")
    const autodiff = tf.tidy(() => {
      const op = tf.customGrad((...args) => {
        const r = objective.valueAndGradient!((args[0] as never as { dataSync(): Float32Array }).dataSync())
        return { value: tf.scalar(r.value), gradFunc: (dy: never) => tf.mul(dy, tf.tensor1d(r.gradient)) }
      })
      return Array.from(
        tf.grad((tt: never) => op(applyDifferentiableChain(tf, chain, free, tt, tf.tensor1d(input), fs, effectsRng(0)) as never))(tf.tensor1d(Float32Array.from(t)) as never).dataSync()
      )
    })
    const setup: SearchSetup = { key: "spsa-test", chain, free, input, reference, sampleRate: fs, loss: "match", seed: 0 }
    const spsa = await spsaGradient(async (points) => points.map((p) => evaluateAt(setup, p)), t, 64, 0.001, new Rng(3))
    expect(cosine(spsa, autodiff)).toBeGreaterThan(0.8)
  })
})

describe("SPSA over any chain of the library", () => {
  it("estimates a gradient for effects without a twin (chorus, room reverb), from the seeded rng", async () => {
    const chain: ChainItem[] = [
      { uses: "mod.chorus", mix: { uniform: [0, 1] } },
      { uses: "reverb.room", rt60: 0.3, mix: { uniform: [0, 1] } }
    ]
    const free = freeParams(chain)
    const input = noise(4096, 41)
    const reference = renderAt(chain, free, [0.9, 0.1], { sampleRate: fs, channels: [input] }, 0).channels[0]!
    const setup: SearchSetup = { key: "spsa-any", chain, free, input, reference, sampleRate: fs, loss: "match", seed: 0 }
    const estimate = () => spsaGradient(async (points) => points.map((p) => evaluateAt(setup, p)), new Float64Array([0.5, 0.5]), 4, 0.001, new Rng(7))
    const g = await estimate()
    // a step against the estimate moves towards the reference (more chorus, less room)
    const norm = Math.hypot(g[0]!, g[1]!)
    expect(norm).toBeGreaterThan(0)
    const j0 = evaluateAt(setup, [0.5, 0.5])
    const j1 = evaluateAt(setup, [0.5 - (0.1 * g[0]!) / norm, 0.5 - (0.1 * g[1]!) / norm])
    expect(j1).toBeLessThan(j0)
    expect(Array.from(await estimate())).toEqual(Array.from(g))
  })
})

describe("mode A: matchStyle", () => {
  // short and few steps: these run on shared CI cores
  const input = noise(8192, 11)
  const chain: ChainItem[] = [
    { uses: "eq.peaking", freq: 1000, q: 1, gain_db: { uniform: [-24, 24] } },
    { uses: "eq.highshelf", freq: 4000, q: 0.7071, gain_db: { uniform: [-24, 24] } },
    { uses: "gain", gain_db: { uniform: [-12, 12] } }
  ]
  const free = freeParams(chain)
  const truth = { "chain[0].gain_db": 9, "chain[1].gain_db": -12, "chain[2].gain_db": -4 }
  const reference = renderAt(chain, free, [(9 + 24) / 48, (-12 + 24) / 48, (-4 + 12) / 24], { sampleRate: fs, channels: [input] }, 0).channels[0]!
  const start = new MrStftTarget(reference).value(renderAt(chain, free, [0.5, 0.5, 0.5], { sampleRate: fs, channels: [input] }, 0).channels[0]!)

  for (const method of ["autodiff", "spsa"] as const) {
    it(`${method} recovers the gains and brings MR-STFT down`, async () => {
      const r = await matchStyle(tf, chain, input, reference, fs, { method, loss: "match", iterations: 60, learningRate: 0.05, spsa: { ...SPSA_DEFAULTS, perturbations: 4 }, seed: 0 })
      const after = new MrStftTarget(reference).value(renderAt(chain, free, r.t, { sampleRate: fs, channels: [input] }, 0).channels[0]!)
      expect(after).toBeLessThan(start / 3)
      for (const [name, v] of Object.entries(truth)) expect(Math.abs(r.params[name]! - v)).toBeLessThan(1.5)
    })
  }

  it("refuses a chain with nothing to search, and autodiff on a chain without twins", async () => {
    const opts = { method: "autodiff" as const, loss: "match" as const, iterations: 1, learningRate: 0.02, spsa: SPSA_DEFAULTS, seed: 0 }
    await expect(matchStyle(tf, [{ uses: "gain", gain_db: 3 }], input, reference, fs, opts)).rejects.toThrow(/no parameter to search/)
    await expect(matchStyle(tf, [{ uses: "mod.chorus", mix: { uniform: [0, 1] } }], input, reference, fs, opts)).rejects.toThrow(/mod.chorus.*--method spsa/)
  })
})

import { describe, expect, it } from "vitest"
import { Rng } from "../../../src/params/rng.js"
import { applyChain, resolveChain, type ChainItem } from "../../../src/effects/chain.js"
import { loadBackend } from "../../../src/ml/backend.js"
import { applyDifferentiableChain, notDifferentiable } from "../../../src/ml/differentiable/chain.js"
import { branchingSmooth } from "../../../src/ml/differentiable/compressor.js"
import { chainAt, freeParams, toNormalised } from "../../../src/ml/differentiable/param-space.js"
import { irfft, rfft } from "../../../src/ml/differentiable/spectral-ops.js"

const { tf } = await loadBackend("cpu")
const fs = 44100

const noise = (n: number, seed: number, scale = 0.3): Float32Array => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n }, () => scale * rng.normal())
}

/** Our DSP chain (the reference) on one channel. */
const dsp = (chain: ChainItem[], x: Float32Array): Float32Array => {
  const resolved = resolveChain(chain, new Rng(0))
  return applyChain({ sampleRate: fs, channels: [x] }, resolved, new Rng(5)).channels[0]!
}

/** The differentiable twin with every parameter fixed. */
const twin = (chain: ChainItem[], x: Float32Array): Float32Array =>
  tf.tidy(() => applyDifferentiableChain(tf, chain, [], tf.tensor1d([]), tf.tensor1d(x), fs, new Rng(5)).dataSync() as Float32Array)

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>, from = 0): number => {
  let m = 0
  for (let i = from; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

/** DeepAFx-ST's 6-band EQ: low shelf, four peaks, high shelf. */
const deepAfxEq = (gains: number[]): ChainItem => ({
  uses: "eq.parametric",
  bands: [
    { uses: "eq.lowshelf", freq: 120, q: 0.7071, gain_db: gains[0] },
    { uses: "eq.peaking", freq: 500, q: 1.5, gain_db: gains[1] },
    { uses: "eq.peaking", freq: 1500, q: 3, gain_db: gains[2] },
    { uses: "eq.peaking", freq: 4000, q: 0.8, gain_db: gains[3] },
    { uses: "eq.peaking", freq: 7000, q: 2, gain_db: gains[4] },
    { uses: "eq.highshelf", freq: 9000, q: 0.7071, gain_db: gains[5] }
  ]
})

describe("spectral ops: gradients are the exact adjoints", () => {
  it("rfft and irfft gradients equal central differences", () => {
    const n = 16
    const x = Array.from(noise(n, 1))
    const w = Array.from(noise(2 * (n / 2 + 1), 2))
    const f = (v: number[]): number => tf.tidy(() => tf.sum(tf.mul(rfft(tf, tf.tensor1d(v)), tf.tensor2d(w, [2, n / 2 + 1]))).dataSync()[0]!)
    const g = tf.tidy(() => Array.from(tf.grad((v: never) => tf.sum(tf.mul(rfft(tf, v), tf.tensor2d(w, [2, n / 2 + 1]))))(tf.tensor1d(x) as never).dataSync()))
    x.forEach((_, j) => {
      const up = x.slice(), down = x.slice()
      up[j]! += 1e-2
      down[j]! -= 1e-2
      expect(g[j]!).toBeCloseTo((f(up) - f(down)) / 2e-2, 2)
    })
    const spec = Array.from(noise(2 * (n / 2 + 1), 3))
    const wt = Array.from(noise(n, 4))
    const h = (v: number[]): number => tf.tidy(() => tf.sum(tf.mul(irfft(tf, tf.tensor2d(v, [2, n / 2 + 1])), tf.tensor1d(wt))).dataSync()[0]!)
    const gi = tf.tidy(() => Array.from(tf.grad((v: never) => tf.sum(tf.mul(irfft(tf, v), tf.tensor1d(wt))))(tf.tensor2d(spec, [2, n / 2 + 1]) as never).dataSync()))
    spec.forEach((_, j) => {
      const up = spec.slice(), down = spec.slice()
      up[j]! += 1e-2
      down[j]! -= 1e-2
      expect(gi[j]!).toBeCloseTo((h(up) - h(down)) / 2e-2, 3)
    })
  })
})

describe("differentiable effects match the DSP effects", () => {
  const x = noise(8192, 11)

  it("eq.parametric (6 bands, frequency sampling) within 1e-3 of the recursive biquads", () => {
    const chain = [deepAfxEq([6, -9, 12, -4, 8, -12])]
    const err = maxAbsDiff(dsp(chain, x), twin(chain, x))
    expect(err).toBeLessThan(1e-3)
  })

  it("single-band eq.lowpass and eq.notch within 1e-3", () => {
    for (const item of [{ uses: "eq.lowpass", freq: 2000, q: 0.7071 }, { uses: "eq.notch", freq: 1000, q: 2 }]) {
      expect(maxAbsDiff(dsp([item], x), twin([item], x))).toBeLessThan(1e-3)
    }
  })

  it("dynamics.compressor (branching detector, exact recursion) within 1e-4 on a steady tone and on noise", () => {
    const tone = Float32Array.from({ length: 8192 }, (_, i) => (i < 4096 ? 0.1 : 0.8) * Math.sin((2 * Math.PI * 440 * i) / fs))
    const item = { uses: "dynamics.compressor", threshold_db: -24, ratio: 6, attack_ms: 5, release_ms: 80, knee_db: 6, makeup_db: 3 }
    expect(maxAbsDiff(dsp([item], tone), twin([item], tone))).toBeLessThan(1e-4)
    expect(maxAbsDiff(dsp([item], x), twin([item], x))).toBeLessThan(1e-4)
    const hard = { ...item, knee_db: 0, attack_ms: 0 }
    expect(maxAbsDiff(dsp([hard], x), twin([hard], x))).toBeLessThan(1e-4)
  })

  it("distortion.tanh with pre-gain, tone and post-gain (gain → tanh → eq.highshelf → gain) within 1e-4", () => {
    const chain = [
      { uses: "gain", gain_db: 6 },
      { uses: "distortion.tanh", drive_db: 18, mix: 0.8 },
      { uses: "eq.highshelf", freq: 3000, q: 0.7071, gain_db: -9 },
      { uses: "gain", gain_db: -4 }
    ]
    expect(maxAbsDiff(dsp(chain, x), twin(chain, x))).toBeLessThan(1e-4)
  })

  it("reverb.noise (per-octave RT60 and level) within 1e-4", () => {
    const item = { uses: "reverb.noise", rt60_s: [1.5, 1.2, 1, 0.8, 0.6, 0.4, 0.3], gain_db: [0, -2, -3, -6, -8, -10, -12], length_s: 0.5, mix: 0.4 }
    const y = dsp([item], x)
    expect(maxAbsDiff(y, twin([item], x))).toBeLessThan(1e-4)
    expect(maxAbsDiff(y, x)).toBeGreaterThan(0.01) // the reverb does something
  })

  it("an item without a twin is named", () => {
    expect(notDifferentiable([{ uses: "mod.chorus" }], [])).toMatch(/chain\[0\] \(mod.chorus\) has no differentiable version/)
    expect(notDifferentiable([{ uses: "dynamics.compressor", detector: "decoupled" }], [])).toMatch(/decoupled/)
  })
})

describe("gradients through the twins agree with finite differences of the DSP chain", () => {
  const x = noise(4096, 21)
  const target = Array.from(noise(4096, 22, 0.1))
  /** J = Σ y·w: linear in y, so its derivative tests the parameter gradients themselves. */
  const jDsp = (chain: ChainItem[]): number => dsp(chain, x).reduce((s, v, i) => s + v * target[i]!, 0)

  /** Autodiff through the twin vs central differences of the DSP chain, at `at` (units, by parameter path). */
  const check = (chain: ChainItem[], at: Record<string, number>, rel: number) => {
    const free = freeParams(chain)
    const t = free.map((p) => toNormalised(p, at[p.path]!))
    const grad = tf.tidy(() =>
      Array.from(
        tf.grad((tt: never) => tf.sum(tf.mul(applyDifferentiableChain(tf, chain, free, tt, tf.tensor1d(x), fs, new Rng(5)), tf.tensor1d(target))))(
          tf.tensor1d(t) as never
        ).dataSync()
      )
    )
    free.forEach((_, i) => {
      const h = 1e-3
      const jAt = (dt: number) => {
        const tt = t.slice()
        tt[i] = t[i]! + dt
        return jDsp(chainAt(chain, free, tt))
      }
      const fd = (jAt(h) - jAt(-h)) / (2 * h)
      expect(Math.abs(grad[i]! - fd)).toBeLessThan(rel * Math.max(0.1, Math.abs(fd)))
    })
  }

  it("EQ gains, frequencies and Q", () => {
    check([{ uses: "eq.parametric", bands: [{ uses: "eq.peaking", freq: { log_uniform: [200, 2000] }, q: { uniform: [0.5, 4] }, gain_db: { uniform: [-24, 24] } }] }], { "bands[0].freq": 700, "bands[0].q": 1.5, "bands[0].gain_db": 6 }, 0.02)
  })
  it("compressor threshold, ratio, attack, release, makeup", () => {
    const item = {
      uses: "dynamics.compressor",
      threshold_db: { uniform: [-60, 0] },
      ratio: { uniform: [1, 20] },
      attack_ms: { uniform: [0.1, 100] },
      release_ms: { uniform: [5, 1000] },
      knee_db: 6,
      makeup_db: { uniform: [-12, 12] }
    }
    check([item], { threshold_db: -30, ratio: 4, attack_ms: 10, release_ms: 100, makeup_db: 2 }, 0.02)
  })
})


describe("branching smoother gradient", () => {
  it("equals central differences in the input and both poles", () => {
    const r = Array.from(noise(64, 31, 5)).map(Math.abs)
    const w = Array.from(noise(64, 32))
    const f = (rr: number[], a: number, b: number) =>
      tf.tidy(() => tf.sum(tf.mul(branchingSmooth(tf, tf.tensor1d(rr), tf.scalar(a), tf.scalar(b)), tf.tensor1d(w))).dataSync()[0]!)
    const grads = tf.tidy(() =>
      tf.grads((rr: never, a: never, b: never) => tf.sum(tf.mul(branchingSmooth(tf, rr, a, b), tf.tensor1d(w))))([tf.tensor1d(r), tf.scalar(0.6), tf.scalar(0.9)] as never).map((g) => Array.from(g.dataSync()))
    )
    const h = 1e-4
    expect(grads[1]![0]!).toBeCloseTo((f(r, 0.6 + h, 0.9) - f(r, 0.6 - h, 0.9)) / (2 * h), 2)
    expect(grads[2]![0]!).toBeCloseTo((f(r, 0.6, 0.9 + h) - f(r, 0.6, 0.9 - h)) / (2 * h), 2)
    const up = r.slice(), down = r.slice()
    up[10]! += 1e-2
    down[10]! -= 1e-2
    expect(grads[0]![10]!).toBeCloseTo((f(up, 0.6, 0.9) - f(down, 0.6, 0.9)) / 2e-2, 3)
  })
})

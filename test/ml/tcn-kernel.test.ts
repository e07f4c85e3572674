import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { fastKernelOf } from "../../src/ml/kernels/index.js"
import { modelDefinition } from "../../src/ml/models/index.js"
import { buildModel } from "../../src/ml/models/index.js"
import { Rng } from "../../src/params/rng.js"
import { maxAbsDiff, withKernels } from "../helpers/kernels.js"

const { tf } = await loadBackend("cpu")

describe("model.tcn's fast kernel (causal) equals the tfjs model to 1e-5", () => {
  const cases = [
    { label: "defaults (4 blocks × 16, kernel 13, growth 4)", params: {}, labels: [] as number[], n: 2500, scale: 0.25 },
    { label: "3 blocks × 6, kernel 3, growth 2, FiLM on two labels", params: { blocks: 3, channels: 6, kernel: 3, dilation_growth: 2, condition: ["drive", "tone"] }, labels: [0.3, 0.9], n: 800, scale: 0.5 },
    { label: "1 block × 5, kernel 1, FiLM on one label", params: { blocks: 1, channels: 5, kernel: 1, dilation_growth: 1, condition: ["drive"] }, labels: [0.6], n: 300, scale: 0.5 }
  ]
  for (const c of cases) {
    it(c.label, () => {
      const inputSize = 1 + c.labels.length
      const model = buildModel(tf, { uses: "model.tcn", params: c.params, inputSize, seed: 2 })
      // every weight random; the wide default model gets smaller ones, as trained weights are (at ±0.5
      // its activations grow so large that float32 rounding alone reaches 2e-5)
      const rng = new Rng(91)
      for (const v of model.variables.values()) {
        const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-c.scale, c.scale)), v.shape)
        v.assign(t)
        t.dispose()
      }
      const dry = Float32Array.from({ length: c.n }, (_, t) => 0.6 * Math.sin(t / 11) + rng.uniform(-0.3, 0.3))
      const x = new Float32Array(c.n * inputSize)
      for (let t = 0; t < c.n; t++) {
        x[t * inputSize] = dry[t]!
        for (let j = 0; j < c.labels.length; j++) x[t * inputSize + 1 + j] = c.labels[j]!
      }
      const reference = tf.tidy(() => model.apply(tf.tensor3d(x, [1, c.n, inputSize])).y.dataSync() as Float32Array)
      expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.05)
      for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
        const { name, kernel } = withKernels(preference, () => fastKernelOf(model))
        expect(name).toBe(`${engine} TCN kernel`)
        const out = new Float32Array(c.n)
        for (let at = 0; at < c.n; at += 70) kernel.process(dry.subarray(at, at + 70), out.subarray(at, at + 70), c.labels)
        expect(maxAbsDiff(out, reference)).toBeLessThan(1e-5)
        kernel.reset()
        const again = new Float32Array(c.n)
        kernel.process(dry, again, c.labels)
        expect(maxAbsDiff(again, reference)).toBeLessThan(1e-5)
      }
      model.dispose()
    })
  }

  it("a centred TCN has no fast kernel (it sees the future): the predictor keeps tfjs", () => {
    const model = buildModel(tf, { uses: "model.tcn", params: { blocks: 2, channels: 4, causal: false }, inputSize: 1, seed: 2 })
    const named = new Map([...model.variables].map(([k, v]) => [k, v.dataSync() as Float32Array]))
    expect(modelDefinition("model.tcn").fastKernel!({ blocks: 2, channels: 4, causal: false }, 1, named)).toBeUndefined()
    expect(() => fastKernelOf(model)).toThrow(/model\.tcn with these params has no fast kernel/)
    model.dispose()
  })
})

describe("loadModel of a model.tcn folder", () => {
  it("streams a causal TCN conditioned on drive (range 0..10) with the tfjs model's output to 1e-5, and refuses a centred one", async () => {
    const { serializeModel } = await import("../../src/ml/model-files.js")
    const { loadModel } = await import("../../src/ml/stream/processor.js")
    const { tempDir } = await import("../helpers/cli.js")
    const { writeFileSync } = await import("node:fs")
    const { join } = await import("node:path")
    const write = async (params: Record<string, unknown>, seed: number) => {
      const model = buildModel(tf, { uses: "model.tcn", params, inputSize: 2, seed })
      const rng = new Rng(seed)
      for (const v of model.variables.values()) {
        const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-0.5, 0.5)), v.shape)
        v.assign(t)
        t.dispose()
      }
      const dir = tempDir("audioml-tcn-")
      for (const [name, bytes] of await serializeModel(tf, model)) writeFileSync(join(dir, name), bytes)
      const meta = { uses: "model.tcn", params, summary: model.summary, sample_rate: 44100, condition: [{ name: "drive", range: [0, 10] }] }
      writeFileSync(join(dir, "model-meta.json"), JSON.stringify(meta))
      return { model, dir }
    }
    const params = { blocks: 3, channels: 5, kernel: 5, dilation_growth: 3, causal: true, condition: ["drive"] }
    const { model, dir } = await write(params, 101)
    const n = 900
    const dry = Float32Array.from({ length: n }, (_, t) => 0.7 * Math.sin(t / 13))
    const x = new Float32Array(2 * n)
    for (let t = 0; t < n; t++) [x[2 * t], x[2 * t + 1]] = [dry[t]!, 0.4]
    const reference = tf.tidy(() => model.apply(tf.tensor3d(x, [1, n, 2])).y.dataSync() as Float32Array)
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.05)
    for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
      const fx = await withKernels(preference, () => loadModel(dir))
      expect(fx.engine).toBe(engine)
      expect(fx.params).toEqual(["drive"])
      expect(fx.latencySamples).toBe(0)
      const out = new Float32Array(n)
      for (let at = 0; at < n; at += 128) fx.process(dry.subarray(at, at + 128), out.subarray(at, at + 128), { drive: 4 })
      expect(maxAbsDiff(out, reference)).toBeLessThan(1e-5)
    }
    model.dispose()
    const centred = await write({ ...params, causal: false }, 102)
    await expect(loadModel(centred.dir)).rejects.toThrow(/a centred model\.tcn \(causal = false\) sees the future and cannot stream/)
    centred.model.dispose()
  })
})

import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildModel } from "../../src/ml/models/index.js"
import { rnnLayersModel } from "../../src/ml/models/rnn.js"
import { fastKernelOf } from "../../src/ml/kernels/index.js"
import { Rng } from "../../src/params/rng.js"
import { withKernels } from "../helpers/kernels.js"

const { tf } = await loadBackend("cpu")

/** Overwrite every weight (biases included) with random values of a trained-like scale. */
const randomise = (model: ReturnType<typeof buildModel>, seed: number, scale = 0.6) => {
  const rng = new Rng(seed)
  for (const v of model.variables.values()) {
    const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-scale, scale)), v.shape)
    v.assign(t)
    t.dispose()
  }
}

describe("fast LSTM/GRU kernels (WASM SIMD and the TypeScript fallback) equal tfjs predict", () => {
  const cells = [
    { cell: "lstm", label: "LSTM" },
    { cell: "gru", gru_cell: "reset_after", label: "GRU" },
    { cell: "gru", gru_cell: "reset_before", label: "GRU (reset-before)" }
  ] as const
  for (const c of cells) {
    const { cell, label } = c
    const gruCell = "gru_cell" in c ? { gru_cell: c.gru_cell } : {}
    for (const [layers, cond, hidden] of [[1, 0, 8], [2, 2, 8], [3, 1, 13], [1, 0, 128]] as const) {
      it(`${label}, ${layers} layer(s) of ${hidden}, ${cond} conditioning labels, skip`, () => {
        const model = buildModel(tf, { uses: "model.rnn", params: { cell, ...gruCell, hidden, layers, skip: true, condition: ["a", "b"].slice(0, cond) }, inputSize: 1 + cond, seed: 4 })
        // Wider layers get proportionally smaller weights, as trained ones have (else the dynamics are chaotic).
        randomise(model, 11, 0.6 * Math.min(1, Math.sqrt(16 / hidden)))
        // tfjs's GRU layer is slow per step: fewer samples for the wide case.
        const n = hidden > 32 ? 150 : 900
        const rng = new Rng(12)
        const dry = Float32Array.from({ length: n }, (_, t) => 0.8 * Math.sin(t / 9) + rng.uniform(-0.2, 0.2))
        const labels = [0.3, 0.9].slice(0, cond)
        const x = new Float32Array(n * (1 + cond))
        for (let t = 0; t < n; t++) {
          x[t * (1 + cond)] = dry[t]!
          for (let c = 0; c < cond; c++) x[t * (1 + cond) + 1 + c] = labels[c]!
        }
        const reference = tf.tidy(() => (rnnLayersModel(model).predict(tf.tensor3d(x, [1, n, 1 + cond])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array)
        for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
          const { name, kernel } = withKernels(preference, () => fastKernelOf(model))
          expect(name).toBe(`${engine} ${label} kernel`)
          // In two calls: the state must carry across them.
          const out = new Float32Array(n)
          kernel.process(dry.subarray(0, 100), out.subarray(0, 100), labels)
          kernel.process(dry.subarray(100), out.subarray(100), labels)
          let maxErr = 0
          for (let t = 0; t < n; t++) maxErr = Math.max(maxErr, Math.abs(out[t]! - (reference[t]! + dry[t]!)))
          expect(maxErr, engine).toBeLessThan(1e-5)
          kernel.reset()
          const again = new Float32Array(n)
          kernel.process(dry, again, labels)
          expect(again[n - 1]).toBeCloseTo(out[n - 1]!, 6)
        }
        model.dispose()
      })
    }
  }
  /**
   * Both kernels (WASM, typed-array) on `dry` in two calls (the state carries) against
   * `reference`: max |out − ref| / max(floor, |ref|) below `tolerance`.
   */
  const expectBothKernels = (model: ReturnType<typeof buildModel>, dry: Float32Array, label: number, reference: Float32Array, floor: number, tolerance: number) => {
    for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
      const { name, kernel } = withKernels(preference, () => fastKernelOf(model))
      expect(name.startsWith(engine)).toBe(true)
      const out = new Float32Array(dry.length)
      kernel.process(dry.subarray(0, 100), out.subarray(0, 100), [label])
      kernel.process(dry.subarray(100), out.subarray(100), [label])
      let maxErr = 0
      for (let t = 0; t < dry.length; t++) maxErr = Math.max(maxErr, Math.abs(out[t]! - reference[t]!) / Math.max(floor, Math.abs(reference[t]!)))
      expect(maxErr, engine).toBeLessThan(tolerance)
    }
  }
  for (const cell of ["lstm", "gru"] as const) {
    it(`${cell.toUpperCase()} with a μ-law input channel and the gain head: tfjs's own layers on [x, μ-law(x), label] equal model.apply and the kernel`, () => {
      const mu = 255
      const model = buildModel(tf, { uses: "model.rnn", params: { cell, hidden: 8, layers: 2, skip: true, output: "gain", mu_law: mu, condition: ["a"] }, inputSize: 2, seed: 5 })
      randomise(model, 15, 0.5)
      const n = 600
      const rng = new Rng(16)
      // quiet and loud passages: the companded channel matters most when quiet
      const dry = Float32Array.from({ length: n }, (_, t) => (t < 300 ? 0.01 : 0.5) * (Math.sin(t / 9) + rng.uniform(-0.2, 0.2)))
      const x = new Float32Array(2 * n)
      dry.forEach((v, t) => ((x[2 * t] = v), (x[2 * t + 1] = 0.4)))
      // the expanded input written out independently: ln(1 + μ|x|)/ln(1 + μ) with numpy's formula in plain JS
      const expanded = new Float32Array(3 * n)
      dry.forEach((v, t) => ((expanded[3 * t] = v), (expanded[3 * t + 1] = Math.sign(v) * Math.log(1 + mu * Math.abs(v)) / Math.log(1 + mu)), (expanded[3 * t + 2] = 0.4)))
      const head = tf.tidy(() => (rnnLayersModel(model).predict(tf.tensor3d(expanded, [1, n, 3])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array)
      const reference = Float32Array.from(dry, (v, t) => v * Math.exp(head[2 * t + 1]!) + head[2 * t]!)
      const applied = tf.tidy(() => model.apply(tf.tensor3d(x, [1, n, 2])).y.dataSync() as Float32Array)
      for (let t = 0; t < n; t++) expect(Math.abs(applied[t]! - reference[t]!)).toBeLessThan(1e-5)
      // relative: the quiet half's outputs are small
      expectBothKernels(model, dry, 0.4, reference, 1e-3, 1e-4)
      model.dispose()
    })
    it(`${cell.toUpperCase()} with output = "gain": x·exp(g) + r from tfjs's own layers equals model.apply and both kernels`, () => {
      const model = buildModel(tf, { uses: "model.rnn", params: { cell, hidden: 8, layers: 2, skip: true, output: "gain", condition: ["a"] }, inputSize: 2, seed: 4 })
      randomise(model, 13, 0.5)
      const n = 600
      const rng = new Rng(14)
      const dry = Float32Array.from({ length: n }, (_, t) => 0.8 * Math.sin(t / 9) + rng.uniform(-0.2, 0.2))
      const x = new Float32Array(2 * n)
      dry.forEach((v, t) => ((x[2 * t] = v), (x[2 * t + 1] = 0.7)))
      // tfjs's LSTM/GRU layers → [residual, log gain] per sample
      const head = tf.tidy(() => (rnnLayersModel(model).predict(tf.tensor3d(x, [1, n, 2])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array)
      const reference = Float32Array.from(dry, (v, t) => v * Math.exp(head[2 * t + 1]!) + head[2 * t]!)
      const applied = tf.tidy(() => model.apply(tf.tensor3d(x, [1, n, 2])).y.dataSync() as Float32Array)
      let spread = 0
      for (let t = 0; t < n; t++) spread = Math.max(spread, Math.abs(head[2 * t + 1]!))
      expect(spread).toBeGreaterThan(0.1) // the gain really varies
      for (let t = 0; t < n; t++) expect(Math.abs(applied[t]! - reference[t]!)).toBeLessThan(1e-5)
      expectBothKernels(model, dry, 0.7, reference, 1, 1e-5)
      model.dispose()
    })
  }
})

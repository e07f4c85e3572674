import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildModel } from "../../src/ml/models/index.js"
import { rnnLayersModel } from "../../src/ml/models/rnn.js"
import { rnnKernel, fastKernelOf } from "../../src/ml/kernels/index.js"
import { Rng } from "../../src/params/rng.js"

const { tf } = await loadBackend("cpu")

/** Overwrite every weight (biases included) with random values of a trained-like scale. */
const randomise = (model: ReturnType<typeof buildModel>, seed: number) => {
  const rng = new Rng(seed)
  for (const v of model.variables.values()) {
    const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-0.6, 0.6)), v.shape)
    v.assign(t)
    t.dispose()
  }
}

describe("fast LSTM/GRU kernels equal tfjs predict", () => {
  for (const cell of ["lstm", "gru"] as const) {
    for (const [layers, cond] of [[1, 0], [2, 2]] as const) {
      it(`${cell}, ${layers} layer(s), ${cond} conditioning labels, skip`, () => {
        const hidden = 8
        const model = buildModel(tf, { uses: "model.rnn", params: { cell, hidden, layers, skip: true, condition: cond === 0 ? [] : ["a", "b"] }, inputSize: 1 + cond, seed: 4 })
        randomise(model, 11)
        const n = 900
        const rng = new Rng(12)
        const dry = Float32Array.from({ length: n }, (_, t) => 0.8 * Math.sin(t / 9) + rng.uniform(-0.2, 0.2))
        const labels = cond === 0 ? [] : [0.3, 0.9]
        const x = new Float32Array(n * (1 + cond))
        for (let t = 0; t < n; t++) {
          x[t * (1 + cond)] = dry[t]!
          for (let c = 0; c < cond; c++) x[t * (1 + cond) + 1 + c] = labels[c]!
        }
        const reference = tf.tidy(() => (rnnLayersModel(model).predict(tf.tensor3d(x, [1, n, 1 + cond])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array)
        const kernel = fastKernelOf(model)
        // In two calls: the state must carry across them.
        const out = new Float32Array(n)
        kernel.process(dry.subarray(0, 400), out.subarray(0, 400), labels)
        kernel.process(dry.subarray(400), out.subarray(400), labels)
        let maxErr = 0
        for (let t = 0; t < n; t++) maxErr = Math.max(maxErr, Math.abs(out[t]! - (reference[t]! + dry[t]!)))
        expect(maxErr).toBeLessThan(1e-5)
        kernel.reset()
        const again = new Float32Array(n)
        kernel.process(dry, again, labels)
        expect(again[n - 1]).toBeCloseTo(out[n - 1]!, 6)
        model.dispose()
      })
    }
  }
})

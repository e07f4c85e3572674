import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildModel } from "../../src/ml/models/index.js"
import { rnnLayersModel } from "../../src/ml/models/rnn.js"
import type { Tensor } from "../../src/ml/model.js"
import { Rng } from "../../src/params/rng.js"
import { withKernels } from "../helpers/kernels.js"
import { buildLoss } from "../../src/ml/losses/index.js"

const { tf } = await loadBackend("cpu")

describe("fused LSTM/GRU training ops equal the tfjs layers, values and gradients", () => {
  // LSTM and the reset-after GRU: the WebAssembly SIMD passes (wasm/rnn-train.wasm, a vector
  // width and a scalar tail of units, an odd batch split over two ranges) and the TypeScript
  // ones, against tfjs's LSTM layer and our reset-after layer (models/gru-reset-after-layer.ts,
  // plain tf ops under autodiff); the reset-before GRU (TypeScript only) against tfjs's GRU layer.
  const cases = [
    { cell: "lstm", kernels: "wasm", H: 5, B: 3 },
    { cell: "lstm", kernels: "wasm", H: 8, B: 2 },
    { cell: "lstm", kernels: "js", H: 5, B: 2 },
    { cell: "gru", gru_cell: "reset_before", kernels: "js", H: 5, B: 2 },
    { cell: "gru", gru_cell: "reset_after", kernels: "wasm", H: 5, B: 3 },
    { cell: "gru", gru_cell: "reset_after", kernels: "wasm", H: 8, B: 2 },
    { cell: "gru", gru_cell: "reset_after", kernels: "js", H: 5, B: 2 }
  ] as const
  for (const c of cases) {
    const { cell, kernels, H, B } = c
    const gruCell = "gru_cell" in c ? c.gru_cell : undefined
    it(`${cell}${gruCell !== undefined ? ` ${gruCell}` : ""} (${kernels} kernels, hidden ${H}, batch ${B}): 2 layers, conditioning input, non-zero initial state`, () => withKernels(kernels, () => {
      const params = { cell, hidden: H, layers: 2, skip: true, condition: ["a"], ...(gruCell !== undefined ? { gru_cell: gruCell } : {}) }
      const model = buildModel(tf, { uses: "model.rnn", params, inputSize: 2, seed: 3 })
      const rng = new Rng(4)
      for (const v of model.variables.values()) {
        const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-0.7, 0.7)), v.shape)
        v.assign(t)
        t.dispose()
      }
      const T = 13
      const x = tf.tensor3d(Float32Array.from({ length: B * T * 2 }, () => rng.uniform(-1, 1)), [B, T, 2])
      const nStates = cell === "lstm" ? 4 : 2
      const s0 = Array.from({ length: nStates }, () => tf.tensor2d(Float32Array.from({ length: B * H }, () => rng.uniform(-0.5, 0.5)), [B, H]))
      const weights = tf.tensor3d(Float32Array.from({ length: B * T }, () => rng.uniform(-1, 1)), [B, T, 1])
      const layers = rnnLayersModel(model)
      const per = cell === "lstm" ? 2 : 1
      /** The reference: tfjs's own layers, applied eagerly with initialState. */
      const reference = (): { y: Tensor; state: Tensor[] } => {
        let seq: Tensor = x
        const state: Tensor[] = []
        for (let i = 0; i < 2; i++) {
          const out = layers.getLayer(`rnn${i}`).apply(seq, { initialState: s0.slice(i * per, (i + 1) * per) }) as Tensor[]
          seq = out[0]!
          state.push(...out.slice(1))
        }
        const y = tf.add(layers.getLayer("out").apply(seq) as Tensor, tf.slice(x, [0, 0, 0], [-1, -1, 1]))
        return { y, state }
      }
      const fused = () => {
        const r = model.apply(x, s0)
        return { y: r.y, state: [...r.state!] }
      }
      const vars = [...model.variables.values()]
      const objective = (f: () => { y: Tensor; state: Tensor[] }) => () => {
        const r = f()
        // Involve the final state too, so its gradient path is checked.
        return tf.add(tf.sum(tf.mul(r.y, weights)), tf.mul(0.3, tf.sum(tf.concat(r.state, 1)))) as ReturnType<typeof tf.scalar>
      }
      const a = tf.variableGrads(objective(reference), vars)
      const b = tf.variableGrads(objective(fused), vars)
      expect(b.value.dataSync()[0]).toBeCloseTo(a.value.dataSync()[0]!, 4)
      for (const [name, v] of model.variables) {
        const ga = a.grads[v.name]!.dataSync()
        const gb = b.grads[v.name]!.dataSync()
        let max = 0
        let scale = 0
        for (let i = 0; i < ga.length; i++) {
          max = Math.max(max, Math.abs(ga[i]! - gb[i]!))
          scale = Math.max(scale, Math.abs(ga[i]!))
        }
        expect(max, `${name}`).toBeLessThan(1e-4 * Math.max(1, scale))
      }
      model.dispose()
    }))
  }
})

describe("the training losses through the fused ops: gradients equal tf.grad through the tfjs layers", () => {
  // The fused ops end at the model's output; the loss (pooled ESR, its pre-emphasis filters,
  // MR-STFT) is ordinary tf ops after it, so its gradient must reach the weights unchanged.
  const losses = [
    { uses: "loss.esr", pre_emphasis: "none" },
    { uses: "loss.esr", pre_emphasis: 0.85 },
    { uses: "loss.esr", pre_emphasis: "a_weighting" },
    { uses: "loss.esr", pre_emphasis: 0.85, reduction: "mean" },
    [{ uses: "loss.esr", pre_emphasis: 0.85 }, { uses: "loss.mrstft", fft_sizes: [32, 64], hop_sizes: [8, 16], win_lengths: [32, 48], weight: 0.5 }]
  ]
  for (const [cell, gruCell] of [["lstm", undefined], ["gru", "reset_after"]] as const) {
    for (const config of losses) {
      it(`${cell} (wasm kernels), ${JSON.stringify(config)}`, () => withKernels("wasm", () => {
        const B = 3
        const T = 80
        const params = { cell, hidden: 6, layers: 1, skip: true, condition: [], ...(gruCell !== undefined ? { gru_cell: gruCell } : {}) }
        const model = buildModel(tf, { uses: "model.rnn", params, inputSize: 1, seed: 5 })
        const rng = new Rng(9)
        const x = tf.tensor3d(Float32Array.from({ length: B * T }, () => rng.uniform(-0.8, 0.8)), [B, T, 1])
        const target = tf.tidy(() => tf.tanh(tf.mul(3, x)))
        const s0 = model.zeroState!(B)
        const layers = rnnLayersModel(model)
        const loss = buildLoss(tf, config as never, { sampleRate: 44100 })
        const reference = () => {
          const seq = layers.getLayer("rnn0").apply(x, { initialState: s0 }) as Tensor[]
          const y = tf.add(layers.getLayer("out").apply(seq[0]!) as Tensor, x)
          return loss.fn(target, y) as ReturnType<typeof tf.scalar>
        }
        const fused = () => loss.fn(target, model.apply(x, s0, true).y) as ReturnType<typeof tf.scalar>
        const vars = [...model.variables.values()]
        const a = tf.variableGrads(reference, vars)
        const b = tf.variableGrads(fused, vars)
        expect(b.value.dataSync()[0]).toBeCloseTo(a.value.dataSync()[0]!, 5)
        for (const [name, v] of model.variables) {
          const ga = a.grads[v.name]!.dataSync()
          const gb = b.grads[v.name]!.dataSync()
          let max = 0
          let scale = 0
          for (let i = 0; i < ga.length; i++) {
            max = Math.max(max, Math.abs(ga[i]! - gb[i]!))
            scale = Math.max(scale, Math.abs(ga[i]!))
          }
          expect(scale, `${name}: a gradient reaches it`).toBeGreaterThan(0)
          expect(max, `${name}`).toBeLessThan(1e-4 * Math.max(1, scale))
        }
        loss.dispose()
        model.dispose()
      }))
    }
  }
})

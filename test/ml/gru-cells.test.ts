import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { fastKernelOf } from "../../src/ml/kernels/index.js"
import { buildModel } from "../../src/ml/models/index.js"
import { rnnLayersModel } from "../../src/ml/models/rnn.js"
import { serializeModel } from "../../src/ml/model-files.js"
import { exportModel } from "../../src/cli/commands/export.js"
import { UserError } from "../../src/cli/user-error.js"
import { loadModel } from "../../src/ml/stream/processor.js"
import { tempDir } from "../helpers/cli.js"

const { tf } = await loadBackend("cpu")

/** Written by test/fixtures/ml/gru_torch_fixture.py with torch.nn.GRU. */
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/ml/gru-torch.json"), "utf8")) as {
  input_size: number
  hidden: number
  layers: number
  weights: Record<string, number[]>
  head_weight: number[]
  head_bias: number
  input: number[]
  output: number[]
}

/** PyTorch [3H, cols] with gate rows r, z, n → Keras [cols, 3H] with gate columns z, r, n. */
const kerasFromTorch = (w: number[], H: number, cols: number): Float32Array => {
  const out = new Float32Array(cols * 3 * H)
  const torchRow = [H, 0, 2 * H] // Keras block z, r, n ← torch block
  for (let g = 0; g < 3; g++) for (let j = 0; j < H; j++) for (let c = 0; c < cols; c++) out[c * 3 * H + g * H + j] = w[(torchRow[g]! + j) * cols + c]!
  return out
}

describe("the reset-after GRU equals torch.nn.GRU with the weights mapped (gate rows r, z, n → z, r, n)", () => {
  it("tfjs layer, WASM SIMD and TypeScript kernels, 2 layers, a conditioning input, skip", () => {
    const { input_size: I, hidden: H, layers: L } = fixture
    const model = buildModel(tf, { uses: "model.rnn", params: { cell: "gru", gru_cell: "reset_after", hidden: H, layers: L, skip: true, condition: ["knob"] }, inputSize: I, seed: 1 })
    const set = (name: string, values: Float32Array) => {
      const v = model.variables.get(name)!
      expect(v.size, name).toBe(values.length)
      v.assign(tf.tensor(values, v.shape))
    }
    for (let l = 0; l < L; l++) {
      const w = (n: string) => fixture.weights[`${n}_l${l}`]!
      set(`rnn${l}/kernel`, kerasFromTorch(w("weight_ih"), H, l === 0 ? I : H))
      set(`rnn${l}/recurrent_kernel`, kerasFromTorch(w("weight_hh"), H, H))
      const bias = new Float32Array(6 * H)
      bias.set(kerasFromTorch(w("bias_ih"), H, 1), 0)
      bias.set(kerasFromTorch(w("bias_hh"), H, 1), 3 * H)
      set(`rnn${l}/bias`, bias)
    }
    set("out/kernel", Float32Array.from(fixture.head_weight))
    set("out/bias", Float32Array.from([fixture.head_bias]))
    const T = fixture.output.length
    const x = Float32Array.from(fixture.input)
    const dry = Float32Array.from({ length: T }, (_, t) => x[t * I]!)
    const knob = x[1]!
    const maxErr = (y: ArrayLike<number>, plusDry: boolean) => {
      let m = 0
      for (let t = 0; t < T; t++) m = Math.max(m, Math.abs(y[t]! + (plusDry ? dry[t]! : 0) - fixture.output[t]!))
      return m
    }
    const layers = tf.tidy(() => (rnnLayersModel(model).predict(tf.tensor3d(x, [1, T, I])) as ReturnType<typeof tf.tensor>).dataSync())
    expect(maxErr(layers, true), "tfjs layer").toBeLessThan(1e-5)
    const fused = tf.tidy(() => model.apply(tf.tensor3d(x, [1, T, I])).y.dataSync())
    expect(maxErr(fused, false), "fused training op").toBeLessThan(1e-5)
    for (const kernels of ["wasm", "js"]) {
      const before = process.env["AUDIOML_KERNELS"]
      process.env["AUDIOML_KERNELS"] = kernels
      try {
        const { kernel } = fastKernelOf(model)
        const out = new Float32Array(T)
        kernel.process(dry, out, [knob])
        expect(maxErr(out, false), kernels).toBeLessThan(1e-5)
      } finally {
        if (before === undefined) delete process.env["AUDIOML_KERNELS"]
        else process.env["AUDIOML_KERNELS"] = before
      }
    }
    model.dispose()
  })
})

describe("a model.rnn GRU stored before gru_cell existed (train stage 4) reads as reset-before", () => {
  const dir = join(import.meta.dirname, "../fixtures/ml/gru-reset-before-model")
  /** Written with the model folder by audioml at commit 8d27ddb: its loadModel output. */
  const old = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/ml/gru-reset-before-model.expected.json"), "utf8")) as { input: number[]; output: number[] }

  it("loadModel gives the output it gave then (WASM and TypeScript kernels), and the model builds as the reset-before cell", async () => {
    const meta = JSON.parse(readFileSync(join(dir, "model-meta.json"), "utf8")) as { params: Record<string, unknown> }
    expect(meta.params["gru_cell"]).toBeUndefined()
    for (const kernels of ["wasm", "js"]) {
      const before = process.env["AUDIOML_KERNELS"]
      process.env["AUDIOML_KERNELS"] = kernels
      try {
        const fx = await loadModel(dir)
        const out = new Float32Array(old.input.length)
        fx.process(Float32Array.from(old.input), out, { drive: 9 })
        let m = 0
        for (let t = 0; t < out.length; t++) m = Math.max(m, Math.abs(out[t]! - old.output[t]!))
        expect(m, kernels).toBeLessThan(1e-5)
      } finally {
        if (before === undefined) delete process.env["AUDIOML_KERNELS"]
        else process.env["AUDIOML_KERNELS"] = before
      }
    }
    const model = buildModel(tf, { uses: "model.rnn", params: meta.params, inputSize: 2, seed: 1 })
    expect(model.summary).toBe("GRU (reset-before) 2×5, skip, conditioned on drive")
    model.dispose()
  })

  it("audioml export --format rtneural refuses it (RTNeural's GRU is reset-after), exit 2", () => {
    const out = join(tempDir("audioml-old-gru-"), "x.json")
    const e = (() => {
      try {
        return exportModel({ model: dir, format: "rtneural", out })
      } catch (err) {
        return err
      }
    })()
    expect(e).toBeInstanceOf(UserError)
    expect((e as UserError).exitCode).toBe(2)
    expect((e as UserError).message).toMatch(/reset-before cell \(trained before train stage 5/)
    expect(existsSync(out)).toBe(false)
  })
})

describe("the reset-after layer in tfjs's own file format", () => {
  it("model.json (class GruResetAfter, bias [2, 3H]) loads back with tf.loadLayersModel and predicts the same", async () => {
    const model = buildModel(tf, { uses: "model.rnn", params: { cell: "gru", gru_cell: "reset_after", hidden: 4, layers: 2, skip: true, condition: [] }, inputSize: 1, seed: 3 })
    const files = await serializeModel(tf, model)
    const json = JSON.parse(new TextDecoder().decode(files.get("model.json")!)) as { modelTopology: object; weightsManifest: Array<{ weights: Array<{ name: string; shape: number[] }> }> }
    expect(JSON.stringify(json.modelTopology)).toContain('"class_name":"GruResetAfter"')
    expect(json.weightsManifest[0]!.weights.find((w) => w.name === "rnn0/bias")!.shape).toEqual([2, 12])
    const bin = files.get("weights.bin")!
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights as never, weightData: bin.slice().buffer }))
    const x = tf.tensor3d(Float32Array.from({ length: 40 }, (_, t) => Math.sin(t / 3)), [1, 40, 1])
    const a = (rnnLayersModel(model).predict(x) as ReturnType<typeof tf.tensor>).dataSync()
    const b = (loaded.predict(x) as ReturnType<typeof tf.tensor>).dataSync()
    expect(Array.from(b)).toEqual(Array.from(a))
    model.dispose()
    loaded.dispose()
  })
})

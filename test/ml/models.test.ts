import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildModel } from "../../src/ml/models/index.js"
import { buildLoss } from "../../src/ml/losses/index.js"
import { train } from "../../src/ml/train-loop.js"
import { newRnnParams } from "../../src/ml/models/rnn.js"
import { tcnReceptiveField } from "../../src/ml/models/tcn.js"
import { wavenetReceptiveField } from "../../src/ml/models/wavenet.js"
import { Rng } from "../../src/params/rng.js"
import { dilatedConv1d, dilatedConv1dTimeMajor } from "../../src/ml/model.js"

const { tf } = await loadBackend("cpu")

/** Tiny effect problem: x → tanh(3x) on noise-like clips, with a label that sets the drive. */
const audioProblem = (clips: number, samples: number, conditioned = false) => {
  const rng = new Rng(3)
  const input: Float32Array[] = []
  const target: Float32Array[] = []
  const condition: number[][] = []
  for (let c = 0; c < clips; c++) {
    const drive = conditioned ? c % 2 : 0.5
    const x = Float32Array.from({ length: samples }, () => rng.uniform(-0.5, 0.5))
    input.push(x)
    target.push(x.map((v) => Math.tanh((2 + 4 * drive) * v)))
    condition.push(conditioned ? [drive] : [])
  }
  return { input, target, condition }
}

const fit = async (uses: string, params: object, options: { conditioned?: boolean; epochs?: number; lr?: number } = {}) => {
  const conditioned = options.conditioned ?? false
  const model = buildModel(tf, { uses, params, inputSize: conditioned ? 2 : 1, sampleRate: 44100, seed: 5 })
  const loss = buildLoss(tf, { uses: "loss.mse" }, { sampleRate: 44100 })
  const result = await train(tf, {
    model,
    loss,
    data: { kind: "audio", train: audioProblem(6, 320, conditioned) },
    segment: 160,
    batch: 8,
    epochs: options.epochs ?? 3,
    optimizer: { lr: options.lr ?? 0.01 },
    tbptt: { warmup: 16, updateEvery: 72 },
    valSplit: 0.25,
    seed: 1
  })
  model.dispose()
  return result
}

describe("dilated convolution", () => {
  it("the phase-folded time-major conv equals shifted slices + matmul, values and gradients", () => {
    const rng = new Rng(2)
    for (const [taps, d, causal, t] of [[3, 1, true, 17], [3, 4, true, 17], [5, 3, false, 20], [2, 8, true, 9], [13, 2, false, 31]] as const) {
      const x = tf.tensor3d(Float32Array.from({ length: 2 * t * 3 }, () => rng.uniform(-1, 1)), [2, t, 3])
      const k = tf.tensor2d(Float32Array.from({ length: taps * 3 * 4 }, () => rng.uniform(-1, 1)), [taps * 3, 4])
      const bias = tf.tensor1d([0.1, -0.2, 0.3, 0])
      const w = tf.tensor3d(Float32Array.from({ length: 2 * t * 4 }, () => rng.uniform(-1, 1)), [2, t, 4])
      const ref = (xx: any, kk: any) => tf.sum(tf.mul(dilatedConv1d(tf, xx, kk, bias, taps, d, causal), w))
      const fast = (xx: any, kk: any) => tf.sum(tf.mul(tf.transpose(dilatedConv1dTimeMajor(tf, tf.transpose(xx, [1, 0, 2]), kk, bias, taps, d, causal), [1, 0, 2]), w))
      const [gx1, gk1] = tf.grads(ref)([x, k])
      const [gx2, gk2] = tf.grads(fast)([x, k])
      expect(fast(x, k).dataSync()[0]).toBeCloseTo(ref(x, k).dataSync()[0]!, 4)
      const close = (a: any, b: any) => Array.from(a.dataSync() as Float32Array).every((v, i) => Math.abs(v - (b.dataSync() as Float32Array)[i]!) < 1e-4)
      expect(close(gx1, gx2)).toBe(true)
      expect(close(gk1, gk2)).toBe(true)
    }
  })
})

describe("models build, train a few steps on cpu and lower the loss", () => {
  it("model.rnn lstm with conditioning", async () => {
    const r = await fit("model.rnn", { cell: "lstm", hidden: 8, layers: 1, skip: true, condition: ["drive"] }, { conditioned: true })
    expect(r.history.at(-1)!.valLoss).toBeLessThan(r.history[0]!.valLoss)
  })
  it("model.rnn gru, two layers, no skip (reset-after and reset-before cells)", async () => {
    for (const gru_cell of ["reset_after", "reset_before"]) {
      const r = await fit("model.rnn", { cell: "gru", gru_cell, hidden: 6, layers: 2, skip: false, condition: [] })
      expect(r.history.at(-1)!.valLoss, gru_cell).toBeLessThan(r.history[0]!.valLoss)
    }
  })
  it("model.rnn gru_cell: new GRU models record reset_after, stored ones without it are reset_before, LSTMs never get it", () => {
    expect(newRnnParams({ cell: "gru", hidden: 4 })).toEqual({ cell: "gru", hidden: 4, gru_cell: "reset_after" })
    expect(newRnnParams({ cell: "gru", gru_cell: "reset_before" })).toEqual({ cell: "gru", gru_cell: "reset_before" })
    expect(newRnnParams({ cell: "lstm", hidden: 4 })).toEqual({ cell: "lstm", hidden: 4 })
    const stored = buildModel(tf, { uses: "model.rnn", params: { cell: "gru", hidden: 4, layers: 1, skip: true, condition: [] }, inputSize: 1, seed: 1 })
    expect(stored.summary).toBe("GRU (reset-before) 1×4, skip")
    expect(stored.variables.get("rnn0/bias")!.shape).toEqual([12])
    stored.dispose()
    const fresh = buildModel(tf, { uses: "model.rnn", params: newRnnParams({ cell: "gru", hidden: 4, layers: 1, skip: true, condition: [] }), inputSize: 1, seed: 1 })
    expect(fresh.summary).toBe("GRU 1×4, skip")
    expect(fresh.variables.get("rnn0/bias")!.shape).toEqual([2, 12])
    fresh.dispose()
  })
  it("model.tcn with FiLM conditioning, and its receptive field", async () => {
    expect(tcnReceptiveField({ blocks: 3, kernel: 3, dilation_growth: 2 })).toBe(1 + 2 * (1 + 2 + 4))
    const model = buildModel(tf, { uses: "model.tcn", params: { blocks: 3, kernel: 3, dilation_growth: 2, channels: 4, causal: true, condition: ["drive"] }, inputSize: 2, sampleRate: 44100, seed: 1 })
    expect(model.receptiveField).toBe(15)
    expect(model.summary).toContain("15 samples")
    model.dispose()
    const r = await fit("model.tcn", { blocks: 3, kernel: 3, dilation_growth: 2, channels: 4, causal: true, condition: ["drive"] }, { conditioned: true })
    expect(r.history.at(-1)!.valLoss).toBeLessThan(r.history[0]!.valLoss)
  })
  it("model.tcn is causal: output at t does not depend on later input", () => {
    const model = buildModel(tf, { uses: "model.tcn", params: { blocks: 2, kernel: 3, dilation_growth: 2, channels: 3, causal: true, condition: [] }, inputSize: 1, seed: 2 })
    const a = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i))
    const b = a.slice()
    b[40] = 5
    const run = (x: Float32Array) => tf.tidy(() => model.apply(tf.tensor3d(x, [1, 64, 1])).y.dataSync() as Float32Array)
    const ya = run(a)
    const yb = run(b)
    for (let t = 0; t < 40; t++) expect(yb[t]).toBe(ya[t])
    expect(yb[40]).not.toBe(ya[40])
    model.dispose()
  })
  it("model.wavenet nano: NAM layout, receptive field, trains", async () => {
    // nano: 7 + 13 layers, kernel 3: 1 + 2·(127 + 1920 + 127... ) from the preset dilations
    expect(wavenetReceptiveField("nano")).toBe(1 + 2 * (127 + (128 + 256 + 512) + 1023))
    expect(wavenetReceptiveField("standard")).toBe(1 + 2 * (1023 + 1023))
    const model = buildModel(tf, { uses: "model.wavenet", params: { preset: "nano" }, inputSize: 1, seed: 1 })
    // weights: rechannel 1×4; 7 layers of (3·4·4 + 4 conv, 1·4 mixer, 4·4 + 4 1x1); head 4×2; then 4→2 array with 13 layers, head 2×1 + 1
    const layerA = 3 * 4 * 4 + 4 + 4 + 16 + 4
    const layerB = 3 * 2 * 2 + 2 + 2 + 4 + 2
    const count = [...model.variables.values()].reduce((n, v) => n + v.size, 0)
    expect(count).toBe(4 + 7 * layerA + 8 + (4 * 2 + 13 * layerB + 2 + 1))
    model.dispose()
    const r = await fit("model.wavenet", { preset: "nano" }, { epochs: 2, lr: 0.005 })
    expect(r.history.at(-1)!.valLoss).toBeLessThan(r.history[0]!.valLoss)
  })
  it("model.param_regressor and model.mlp learn a tiny regression", async () => {
    const rng = new Rng(9)
    const frames = 6
    const feats = 4
    const x: Float32Array[] = []
    const y: Float32Array[] = []
    const xv: Float32Array[] = []
    const yv: Float32Array[] = []
    for (let i = 0; i < 48; i++) {
      const a = rng.next()
      const b = rng.next()
      const ex = Float32Array.from({ length: frames * feats }, (_, k) => (k % feats === 0 ? a : k % feats === 1 ? b : rng.uniform(-0.1, 0.1)))
      x.push(ex)
      y.push(Float32Array.of(a, b))
      xv.push(ex.slice(0, feats))
      yv.push(Float32Array.of(a, b))
    }
    const loss = buildLoss(tf, { uses: "loss.param", weights: { a: 2 } }, { sampleRate: 44100, targets: ["a", "b"] })
    const reg = buildModel(tf, { uses: "model.param_regressor", params: { conv_channels: [8], lstm_hidden: 8, latent: 16, targets: ["a", "b"] }, inputSize: feats, frames, seed: 1 })
    const r1 = await train(tf, { model: reg, loss, data: { kind: "examples", train: { x, y, xShape: [frames, feats], yShape: [2] } }, batch: 8, epochs: 6, optimizer: { lr: 0.01 }, seed: 1 })
    expect(r1.history.at(-1)!.valLoss).toBeLessThan(r1.history[0]!.valLoss)
    const mlp = buildModel(tf, { uses: "model.mlp", params: { hidden: [16], activation: "relu", output_activation: "sigmoid", targets: ["a", "b"] }, inputSize: feats, seed: 1 })
    const r2 = await train(tf, { model: mlp, loss, data: { kind: "examples", train: { x: xv, y: yv, xShape: [feats], yShape: [2] } }, batch: 8, epochs: 10, optimizer: { lr: 0.02 }, seed: 1 })
    expect(r2.history.at(-1)!.valLoss).toBeLessThan(r2.history[0]!.valLoss)
  })
})

import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildLoss } from "../../src/ml/losses/index.js"
import { buildModel } from "../../src/ml/models/index.js"
import { decodeTargetOutputs, outputWidth } from "../../src/ml/model-meta.js"
import { train } from "../../src/ml/train-loop.js"
import { Rng } from "../../src/params/rng.js"

const { tf } = await loadBackend("cpu")

/** log Σ exp, the closed form the cross-entropy is checked against. */
const logSumExp = (xs: number[]): number => {
  const m = Math.max(...xs)
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0))
}

const lossValue = (config: object, ctx: object, y: number[][], out: number[][]): number => {
  const loss = buildLoss(tf, config as never, { sampleRate: 44100, ...ctx } as never)
  const v = tf.tidy(() => loss.fn(tf.tensor2d(y), tf.tensor2d(out)).dataSync()[0]!)
  loss.dispose()
  return v
}

describe("classified targets: output layout, decoding, loss.param cross-entropy", () => {
  it("decodeTargetOutputs keeps regressed values and turns logits into class / (classes − 1)", () => {
    const targets = [{}, { classes: 3 }, {}, { classes: 2 }]
    expect(outputWidth(targets)).toBe(1 + 3 + 1 + 2)
    const row = [0.25, 0.1, 2.0, -1, 0.75, 3, 1]
    expect(Array.from(decodeTargetOutputs(targets, row))).toEqual([0.25, 0.5, 0.75, 0])
  })

  it("loss.param: MAE of regressed targets and cross-entropy of classified ones, weighted by target and group", () => {
    // targets a (regressed, group g1) and w (3 classes, group g2); classes from y·(n − 1) = 0 and 2
    const y = [[0.2, 0], [0.6, 1]]
    const out = [[0.4, 1, 0, -1], [0.5, 0.5, 0.2, 2]]
    const mae = (Math.abs(0.2 - 0.4) + Math.abs(0.6 - 0.5)) / 2
    const ce = (logSumExp([1, 0, -1]) - 1 + (logSumExp([0.5, 0.2, 2]) - 2)) / 2
    const ctx = { targets: ["a", "w"], targetWidths: [1, 3], targetGroups: ["g1", "g2"] }
    expect(lossValue({ uses: "loss.param" }, ctx, y, out)).toBeCloseTo((mae + ce) / 2, 5)
    // weights[a] = 3 and group_weights[g2] = 2: (3·mae + 2·ce) / 5
    expect(lossValue({ uses: "loss.param", weights: { a: 3 }, group_weights: { g2: 2 } }, ctx, y, out)).toBeCloseTo((3 * mae + 2 * ce) / 5, 5)
    // MSE on the regressed target
    const mse = ((0.2 - 0.4) ** 2 + (0.6 - 0.5) ** 2) / 2
    expect(lossValue({ uses: "loss.param", error: "mse" }, ctx, y, out)).toBeCloseTo((mse + ce) / 2, 5)
  })

  it("loss.param names a group weight that matches no target", () => {
    expect(() => buildLoss(tf, { uses: "loss.param", group_weights: { effects: 2 } } as never, { sampleRate: 44100, targets: ["a"], targetGroups: ["filter"] })).toThrow(
      /group_weights\.effects.*groups: filter/
    )
  })

  it("model.param_regressor with classified targets: sigmoid values and raw logits side by side, and it learns the classes", async () => {
    const rng = new Rng(4)
    const frames = 5
    const feats = 3
    const x: Float32Array[] = []
    const y: Float32Array[] = []
    for (let i = 0; i < 96; i++) {
      const a = rng.next()
      const c = rng.int(0, 2)
      x.push(Float32Array.from({ length: frames * feats }, (_, k) => (k % feats === 0 ? a : k % feats === 1 ? c - 1 : rng.uniform(-0.1, 0.1))))
      y.push(Float32Array.of(a, c / 2))
    }
    const spec = { uses: "model.param_regressor", params: { conv_channels: [8], lstm_hidden: 8, latent: 16, targets: ["a", "c"] }, inputSize: feats, frames, outputs: [1, 3], seed: 2 }
    const model = buildModel(tf, spec)
    expect(model.outputSize).toBe(4)
    expect(model.summary).toMatch(/1 regressed \+ 1 classified of 2 targets/)
    const loss = buildLoss(tf, { uses: "loss.param" }, { sampleRate: 44100, targets: ["a", "c"], targetWidths: [1, 3] })
    const r = await train(tf, { model, loss, data: { kind: "examples", train: { x, y, xShape: [frames, feats], yShape: [2] } }, batch: 16, epochs: 25, optimizer: { lr: 0.02 }, seed: 1 })
    expect(r.history.at(-1)!.valLoss).toBeLessThan(r.history[0]!.valLoss)
    const out = tf.tidy(() => model.apply(tf.tensor3d(Float32Array.from(x.flatMap((v) => [...v])), [x.length, frames, feats])).y.arraySync() as number[][])
    expect(out.every((row) => row[0]! >= 0 && row[0]! <= 1)).toBe(true)
    let right = 0
    out.forEach((row, i) => {
      if (decodeTargetOutputs([{}, { classes: 3 }], row)[1] === y[i]![1]) right++
    })
    // the class is a plain input feature: far above chance (1/3)
    expect(right / out.length).toBeGreaterThan(0.8)
    loss.dispose()
    model.dispose()
  })
})

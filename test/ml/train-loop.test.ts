import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildModel } from "../../src/ml/models/index.js"
import { buildLoss } from "../../src/ml/losses/index.js"
import { type EpochReport, clipByGlobalNorm, cosineLr, train } from "../../src/ml/train-loop.js"
import { fastKernelOf } from "../../src/ml/kernels/index.js"
import { Rng } from "../../src/params/rng.js"
import { loadModel, serializeModel } from "../../src/ml/model-files.js"

const { tf } = await loadBackend("cpu")

const data = () => {
  const rng = new Rng(21)
  const input = Array.from({ length: 6 }, () => {
    // decaying tones: pluck-like
    const f = rng.uniform(0.02, 0.08)
    const a = rng.uniform(0.3, 0.9)
    return Float32Array.from({ length: 300 }, (_, t) => a * Math.exp(-t / 200) * Math.sin(f * t * 2 * Math.PI))
  })
  return { input, target: input.map((x) => x.map((v) => Math.tanh(4 * v))) }
}

const run = async (epochs: number, extra: Partial<Parameters<typeof train>[1]> = {}) => {
  const model = buildModel(tf, { uses: "model.rnn", params: { cell: "lstm", hidden: 6, layers: 1, skip: true, condition: [] }, inputSize: 1, sampleRate: 44100, seed: 8 })
  const loss = buildLoss(tf, { uses: "loss.esr", pre_emphasis: "none" }, { sampleRate: 44100 })
  const reports: EpochReport[] = []
  const result = await train(tf, {
    model,
    loss,
    data: { kind: "audio", train: data() },
    segment: 150,
    batch: 8,
    epochs,
    optimizer: { lr: 0.02, weight_decay: 1e-4 },
    lrSchedule: { factor: 0.5, patience: 2 },
    tbptt: { warmup: 30, updateEvery: 60 },
    valSplit: 0.25,
    seed: 3,
    onEpoch: (r) => void reports.push(r),
    ...extra
  })
  const files = await serializeModel(tf, model)
  return { model, result, reports, files }
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")

describe("training loop", () => {
  it("a tiny LSTM learns a tanh distortion (ESR goes down); same seed → identical weight bytes", async () => {
    const a = await run(4)
    expect(a.reports.map((r) => r.epoch)).toEqual([1, 2, 3, 4])
    expect(a.result.bestValLoss).toBeLessThan(a.reports[0]!.valLoss)
    expect(a.reports.at(-1)!.trainLoss).toBeLessThan(a.reports[0]!.trainLoss)
    const b = await run(4)
    expect(sha(b.files.get("weights.bin")!)).toBe(sha(a.files.get("weights.bin")!))
    expect(b.result.history.map((h) => h.valLoss)).toEqual(a.result.history.map((h) => h.valLoss))
    a.model.dispose()
    b.model.dispose()
  })

  it("serializeModel → loadModel round-trips (tfjs model.json + weights.bin) and the kernel runs the loaded weights", async () => {
    const a = await run(1)
    const json = JSON.parse(new TextDecoder().decode(a.files.get("model.json")!))
    expect(json.format).toBe("layers-model")
    expect(json.modelTopology).not.toBeNull()
    expect(json.weightsManifest[0].paths).toEqual(["./weights.bin"])
    expect(json.userDefinedMetadata.audioml.spec.uses).toBe("model.rnn")
    const loaded = loadModel(tf, a.files)
    const again = await serializeModel(tf, loaded)
    expect(sha(again.get("weights.bin")!)).toBe(sha(a.files.get("weights.bin")!))
    const x = Float32Array.from({ length: 100 }, (_, t) => Math.sin(t / 5))
    const y1 = new Float32Array(100)
    const y2 = new Float32Array(100)
    fastKernelOf(a.model).kernel.process(x, y1)
    fastKernelOf(loaded).kernel.process(x, y2)
    expect(Array.from(y2)).toEqual(Array.from(y1))
    // A convolutional model too (weights only, topology null).
    const tcn = buildModel(tf, { uses: "model.tcn", params: { blocks: 2, kernel: 3, dilation_growth: 2, channels: 2, causal: true, condition: [] }, inputSize: 1, seed: 1 })
    const tcnFiles = await serializeModel(tf, tcn)
    const tcnLoaded = loadModel(tf, tcnFiles)
    expect(sha((await serializeModel(tf, tcnLoaded)).get("weights.bin")!)).toBe(sha(tcnFiles.get("weights.bin")!))
    for (const m of [a.model, loaded, tcn, tcnLoaded]) m.dispose()
  })

  it("checkpoints every epoch; resuming from one continues at the next epoch", async () => {
    const saved: Array<[number, ReadonlyMap<string, Uint8Array>]> = []
    const full = await run(3, { checkpoint: (e, f) => void saved.push([e, f]) })
    expect(saved.map(([e]) => e)).toEqual([1, 2])
    const resumed = await run(3, { resume: saved[1]![1] })
    expect(resumed.result.resumedFrom).toBe(2)
    expect(resumed.reports.map((r) => r.epoch)).toEqual([3])
    expect(resumed.result.history.map((h) => h.epoch)).toEqual([1, 2, 3])
    // the checkpoint carries Adam's moments and the best weights: the same bytes as the uninterrupted run
    const weights = async (m: typeof full.model) => createHash("sha256").update((await serializeModel(tf, m)).get("weights.bin")!).digest("hex")
    expect(await weights(resumed.model)).toBe(await weights(full.model))
    full.model.dispose()
    resumed.model.dispose()
  })

  it("val_every validates every N epochs and after the last; the best epoch is a validated one", async () => {
    const { model, reports, result } = await run(5, { valEvery: 2 })
    expect(reports.map((r) => Number.isFinite(r.valLoss))).toEqual([false, true, false, true, true])
    expect([2, 4, 5]).toContain(result.bestEpoch)
    model.dispose()
  })

  it("rejects a TBPTT window longer than the segment, naming the parameters", async () => {
    await expect(run(1, { tbptt: { warmup: 100, updateEvery: 100 } })).rejects.toThrow(/tbptt.warmup \(100\) \+ tbptt.update_every \(100\) exceed segment \(150 samples\)/)
  })

  it("cosine schedule: torch's CosineAnnealingLR values, and a linear warm-up", () => {
    // torch.optim.lr_scheduler.CosineAnnealingLR(SGD(lr=0.01), T_max=10, eta_min=1e-4), lr before each of 10 steps
    const torchLr = [
      0.01, 0.009757729755661011, 0.009054634122155989, 0.007959536998847742, 0.00657963412215599, 0.005050000000000001, 0.0035203658778440107,
      0.0021404630011522584, 0.0010453658778440107, 0.00034227024433899
    ]
    torchLr.forEach((lr, i) => expect(cosineLr(0.01, 1e-4, 0, 10, i)).toBeCloseTo(lr, 12))
    // warm-up of 4 batches: lr0/4, 2·lr0/4, 3·lr0/4, lr0, then the cosine over the 10 batches left
    expect([0, 1, 2, 3].map((i) => cosineLr(0.01, 1e-4, 4, 14, i))).toEqual([0.0025, 0.005, 0.0075, 0.01])
    torchLr.forEach((lr, i) => expect(cosineLr(0.01, 1e-4, 4, 14, 4 + i)).toBeCloseTo(lr, 12))
  })

  it("clipByGlobalNorm: the global L2 norm over all tensors, scaled as torch.nn.utils.clip_grad_norm_", () => {
    const a = [1, -2, 3, 0.5, 0, -1]
    const b = [2, 2, -1, 0.25]
    const norm = Math.sqrt([...a, ...b].reduce((s, v) => s + v * v, 0))
    const grads = { a: tf.tensor2d(a, [2, 3]), b: tf.tensor1d(b) }
    const clipped = clipByGlobalNorm(tf, grads, 1.5)
    expect(clipped.norm).toBeCloseTo(norm, 5)
    const coef = 1.5 / (norm + 1e-6)
    Array.from(clipped.grads["a"]!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(a[i]! * coef, 6))
    Array.from(clipped.grads["b"]!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(b[i]! * coef, 6))
    // torch's result for these gradients (clip_grad_norm_ returned 4.9307708740234375)
    expect(clipped.grads["a"]!.dataSync()[2]).toBeCloseTo(0.9126360416412354, 6)
    // under the bound: the same tensors
    const kept = clipByGlobalNorm(tf, grads, 10)
    expect(kept.grads["a"]).toBe(grads.a)
  })

  it("clip_grad_norm: a bound never reached leaves the bytes of unclipped training; a tight one changes the weights", async () => {
    const plain = await run(2)
    const loose = await run(2, { clipGradNorm: 1e9 })
    const tight = await run(2, { clipGradNorm: 1e-3 })
    expect(sha(loose.files.get("weights.bin")!)).toBe(sha(plain.files.get("weights.bin")!))
    expect(sha(tight.files.get("weights.bin")!)).not.toBe(sha(plain.files.get("weights.bin")!))
    await expect(run(1, { clipGradNorm: 0 })).rejects.toThrow(/clip_grad_norm must be above 0/)
    for (const r of [plain, loose, tight]) r.model.dispose()
  })

  it("cosine schedule in training: each epoch reports its last batch's lr; resuming (with clipping) ends with the same bytes", async () => {
    const cosine = { lrSchedule: { uses: "cosine" as const, warmupEpochs: 1, minLr: 1e-4 }, clipGradNorm: 0.5 }
    const saved: Array<[number, ReadonlyMap<string, Uint8Array>]> = []
    const full = await run(4, { ...cosine, checkpoint: (e, f) => void saved.push([e, f]) })
    // 9 training segments of 150 in batches of 8: two batches per epoch, 8 in all, the first two the warm-up
    expect(full.reports.map((r) => r.lr)).toEqual([0, 1, 2, 3].map((e) => cosineLr(0.02, 1e-4, 2, 8, 2 * e + 1)))
    const resumed = await run(4, { ...cosine, resume: saved[1]![1] })
    expect(resumed.result.resumedFrom).toBe(2)
    expect(resumed.reports.map((r) => r.lr)).toEqual(full.reports.slice(2).map((r) => r.lr))
    expect(sha(resumed.files.get("weights.bin")!)).toBe(sha(full.files.get("weights.bin")!))
    full.model.dispose()
    resumed.model.dispose()
  })

  it("the returned model holds the best-on-validation weights, with or without early stopping", async () => {
    const saved: Array<[number, ReadonlyMap<string, Uint8Array>]> = []
    const full = await run(6, { optimizer: { lr: 0.5 }, checkpoint: (e, f) => void saved.push([e, f]) })
    const best = full.result.bestEpoch
    expect(full.result.bestValLoss).toBe(Math.min(...full.reports.map((r) => r.valLoss)))
    // the weights of the best epoch are those the checkpoint after it held as its model
    expect(best).toBe(4) // lr 0.5 overshoots after epoch 4: the last epoch is not the best
    expect(sha(full.files.get("weights.bin")!)).toBe(sha(saved[best - 1]![1].get("weights.bin")!))
    full.model.dispose()
  })

  it("the validation loss of the pooled ESR is one ratio over the whole validation set, not a mean of batch ratios", async () => {
    const d = data()
    // 3 validation clips of one 150-sample segment each, in batches of 2; quiet and loud ones
    const val = { input: d.input.slice(0, 3).map((x, i) => x.slice(0, 150).map((v) => v * [0.05, 1, 0.3][i]!)), target: [] as Float32Array[] }
    val.target = val.input.map((x) => x.map((v) => Math.tanh(4 * v)))
    const { model, result } = await run(1, { data: { kind: "audio", train: { input: d.input.slice(3), target: d.target.slice(3) }, validation: val }, batch: 2 })
    // the trained model (one epoch: the best) on every validation segment, warm-up left out
    let error = 0
    let energy = 0
    for (let i = 0; i < 3; i++) {
      const yhat = tf.tidy(() => model.apply(tf.tensor3d(val.input[i]!, [1, 150, 1])).y.dataSync() as Float32Array)
      for (let t = 30; t < 150; t++) {
        error += (val.target[i]![t]! - yhat[t]!) ** 2
        energy += val.target[i]![t]! ** 2
      }
    }
    expect(Math.abs(result.history[0]!.valLoss - error / energy) / (error / energy)).toBeLessThan(1e-4)
    model.dispose()
  })
  it('loss.esr reduction = "segment": every TBPTT window gets the target of its whole segment after the warm-up, and the window is a slice of it', async () => {
    const inner = buildLoss(tf, { uses: "loss.esr", pre_emphasis: "none", reduction: "segment" }, { sampleRate: 44100 })
    const seen: Array<{ window: number[]; segment: number[]; matches: boolean }> = []
    const recording = {
      ...inner,
      fn: (y: Parameters<typeof inner.fn>[0], yhat: Parameters<typeof inner.fn>[1], segmentTarget?: Parameters<typeof inner.fn>[2]) => {
        if (segmentTarget !== undefined) {
          // which 60-sample slice of the 120-sample segment target is this window?
          const w = y.dataSync() as Float32Array
          const s = segmentTarget.dataSync() as Float32Array
          const matches = [0, 60].some((offset) => w.every((v, k) => v === s[Math.floor(k / 60) * 120 + offset + (k % 60)]))
          seen.push({ window: y.shape.slice(0, 2), segment: segmentTarget.shape.slice(0, 2), matches })
        }
        return inner.fn(y, yhat, segmentTarget)
      }
    }
    const { model } = await run(1, { loss: recording })
    // segment 150, warm-up 30, windows of 60: two windows per batch, each with the [B, 120] segment target
    expect(seen.length).toBeGreaterThan(0)
    for (const s of seen) {
      expect(s.segment).toEqual([s.window[0], 120])
      expect(s.window[1]).toBe(60)
      expect(s.matches).toBe(true)
    }
    inner.dispose()
    model.dispose()
  })
})

import { createHash } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { readJsonFile } from "../../src/engine/artifact.js"
import { decodeModelArtifact } from "../../src/stages/artifacts/model-artifact.js"
import { type ModelMeta } from "../../src/ml/model-meta.js"
import { decodePairedAudioSet, encodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { trainStage } from "../../src/stages/train.js"
import { featureInput, featureItemsById, fitFeatureInputs } from "../../src/stages/train/model-inputs.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { tinyFeatures, tinyPairedFeatures, tinyPairs } from "./ml-fixtures.js"
import { stageParams } from "./stage-params.js"

const sha = (b: Uint8Array | undefined) => createHash("sha256").update(b ?? new Uint8Array()).digest("hex")

/** A tiny conditioned LSTM: 2 epochs over 8 clips of 1200 samples. */
const rnnParams = (extra: Record<string, unknown> = {}) =>
  stageParams(trainStage, {
    model: { uses: "model.rnn", cell: "lstm", hidden: 4, condition: ["drive", "hard"] },
    loss: { uses: "loss.esr", pre_emphasis: "none" },
    labels: { drive: { from: "drive_db", range: [0, 12] }, hard: { from: "mode", map: { soft: 0, hard: 1 } } },
    optimizer: { lr: 0.02 },
    batch: 8,
    epochs: 2,
    segment: 600,
    tbptt: { warmup: 100, update_every: 250 },
    ...extra
  })

const previous = process.env["AUDIOML_BACKEND"]
beforeAll(() => {
  process.env["AUDIOML_BACKEND"] = "cpu"
})
afterAll(() => {
  if (previous === undefined) delete process.env["AUDIOML_BACKEND"]
  else process.env["AUDIOML_BACKEND"] = previous
})

describe("train stage", () => {
  it("trains a conditioned model.rnn: Model artifact with tfjs files, label ranges and history; same config → same weight bytes", async () => {
    const data = tinyPairs()
    const updates: Array<[number, string | undefined]> = []
    const starts: Array<[number, string | undefined]> = []
    const logs: string[] = []
    const ctx = {
      ...testContext("fx", 11),
      log: (m: string) => void logs.push(m),
      progress: { start: (n: number, u?: string) => void starts.push([n, u]), update: (n: number, s?: string) => void updates.push([n, s]) }
    }
    const a = await runStage(trainStage, rnnParams(), { dataset: data }, ctx)
    expect(a.kind).toBe("Model")
    expect([...a.files.keys()].sort()).toEqual(["model-meta.json", "model.json", "weights.bin"])
    const meta = readJsonFile<ModelMeta>(a, "model-meta.json")
    expect(meta.uses).toBe("model.rnn")
    expect(meta.condition).toEqual([
      { name: "drive", from: "drive_db", range: [0, 12] },
      // a range measured on the training items: mode maps to 0 / 1
      { name: "hard", from: "mode", map: { soft: 0, hard: 1 }, range: [0, 1] }
    ])
    expect(meta.sample_rate).toBe(16000)
    expect(meta.backend).toBe("cpu")
    expect(meta.history.map((h) => h.epoch)).toEqual([1, 2])
    expect(meta.training.train_examples).toBe(16) // 8 train clips × 2 segments of 600
    expect(meta.training.val_examples).toBe(4)
    // progress per batch (16 examples / batch 8 = 2 a epoch), and once more at each epoch's end
    expect(starts).toEqual([[4, "batches"]])
    expect(updates.map(([n]) => n)).toEqual([1, 2, 2, 3, 4, 4])
    expect(updates[0]![1]).toMatch(/^epoch 1\/2 batch loss [0-9.e+-]+$/)
    expect(updates[2]![1]).toMatch(/^epoch 1\/2 loss [0-9.e+-]+ val [0-9.e+-]+$/)
    // a line per epoch that stays on a terminal, in ESR (the loss is loss.esr), the best marked
    const epochLines = logs.filter((l) => l.startsWith("epoch "))
    expect(epochLines).toHaveLength(2)
    expect(epochLines[0]).toMatch(/^epoch 1\/2: train ESR [0-9.e+-]+, val ESR [0-9.e+-]+ \(best\), lr 0\.0200, [0-9.]+ s$/)
    expect(epochLines[1]).toMatch(/^epoch 2\/2: train ESR [0-9.e+-]+, val ESR [0-9.e+-]+( \(best\))?, lr [0-9.e+-]+, [0-9.]+ s$/)
    expect(epochLines[1]!.includes("(best)")).toBe(meta.training.best_epoch === 2)
    const modelJson = JSON.parse(new TextDecoder().decode(a.files.get("model.json")))
    expect(modelJson.weightsManifest[0].paths).toEqual(["./weights.bin"])

    const b = await runStage(trainStage, rnnParams(), { dataset: data }, testContext("fx", 11))
    expect(sha(b.files.get("weights.bin"))).toBe(sha(a.files.get("weights.bin")))
    expect(sha(b.files.get("model.json"))).toBe(sha(a.files.get("model.json")))
    // another seed gives other initial weights
    const c = await runStage(trainStage, rnnParams(), { dataset: data }, testContext("fx", 12))
    expect(sha(c.files.get("weights.bin"))).not.toBe(sha(a.files.get("weights.bin")))
  })

  it("an interrupted run resumes from its last checkpoint, ending with the same bytes as an uninterrupted one", async () => {
    const data = tinyPairs()
    // A first run checkpoints after epochs 1 and 2 (of 3) and is "killed" after epoch 2's checkpoint.
    const saved: Array<{ files: ReadonlyMap<string, Uint8Array>; at?: { unit: string; count: number } }> = []
    const killer = {
      ...testContext("fx", 11),
      checkpoint: {
        load: async () => undefined,
        save: async (files: ReadonlyMap<string, Uint8Array>, at?: { unit: string; count: number }) => {
          saved.push({ files, ...(at !== undefined ? { at } : {}) })
          if (saved.length === 2) throw new Error("simulated interruption")
        }
      }
    }
    await expect(runStage(trainStage, rnnParams({ epochs: 3 }), { dataset: data }, killer)).rejects.toThrow(/simulated interruption/)
    expect(saved.map((s) => s.at)).toEqual([{ unit: "epoch", count: 1 }, { unit: "epoch", count: 2 }])

    // The rerun finds the checkpoint and trains epoch 3 only.
    const epochs: number[] = []
    const rerun = {
      ...testContext("fx", 11),
      progress: { start: () => {}, update: (n: number, s?: string) => void (s?.includes(" val ") && epochs.push(n)) },
      checkpoint: { load: async () => saved[1]!.files, save: async () => {} }
    }
    const resumedArtifact = await runStage(trainStage, rnnParams({ epochs: 3 }), { dataset: data }, rerun)
    const resumed = decodeModelArtifact(resumedArtifact)
    expect(epochs).toEqual([6]) // only epoch 3's end: batches 5 and 6 of 3 × 2
    expect(resumed.meta.history.map((h) => h.epoch)).toEqual([1, 2, 3])
    // Adam's moments, its bias-correction powers and the best weights are in the checkpoint:
    // every file of the artifact is byte-identical to an uninterrupted 3-epoch run's.
    const fullArtifact = await runStage(trainStage, rnnParams({ epochs: 3 }), { dataset: data }, testContext("fx", 11))
    expect([...resumedArtifact.files.keys()]).toEqual([...fullArtifact.files.keys()])
    for (const [name, bytes] of fullArtifact.files) expect(sha(resumedArtifact.files.get(name)), name).toBe(sha(bytes))
  })

  it("a feature model (model.mlp) learns a label from a FeatureSet", async () => {
    const data = tinyPairs()
    const features = tinyFeatures(decodePairedAudioSet(data).pairs as never)
    const params = stageParams(trainStage, {
      model: { uses: "model.mlp", hidden: [8], targets: ["drive"] },
      loss: { uses: "loss.mse" },
      labels: { drive: { from: "drive_db" } },
      features: { use: ["feat"] },
      optimizer: { lr: 0.05 },
      batch: 4,
      epochs: 30,
      lr_schedule: { uses: "none" }
    })
    const model = decodeModelArtifact(await runStage(trainStage, params, { dataset: data, features }, testContext("reg", 3)))
    expect(model.meta.model_kind).toBe("vector")
    expect(model.meta.targets[0]!.name).toBe("drive")
    expect(model.meta.features!.layout).toBe("pooled")
    expect(model.meta.features!.mean).toHaveLength(4) // mean and std of 2 dims
    const h = model.meta.history
    expect(model.meta.training.best_val_loss).toBeLessThan(h[0]!.val_loss! / 2)
  })

  it("features of both sides of pairs: input.<name>, target.<name> and the difference target-input.<name>", async () => {
    const pairs = decodePairedAudioSet(tinyPairs()).pairs
    const features = tinyPairedFeatures(pairs as never)
    const names = ["target-input.feat", "input.feat", "target.feat"]
    const { set, byId } = featureItemsById(features, "target", names)
    const raw = (id: string, source: string) => set.items.find((i) => i.id === id && i.source === source)!.features["feat"]!.data
    const meta = fitFeatureInputs([...byId.values()], { names, source: "target", layout: "pooled" })
    // pooled: means of the 3 dims, then their stds; the difference's mean is drive / 12 by construction
    const x = featureInput(byId.get("clip03")!, meta)
    const unstd = (d: number) => x[d]! * meta.std[d]! + meta.mean[d]!
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length
    expect(unstd(0)).toBeCloseTo(Number(pairs[3]!.labels["drive_db"]) / 12, 5)
    expect(unstd(1)).toBeCloseTo(mean(raw("clip03", "input")), 5)
    expect(unstd(2)).toBeCloseTo(mean(raw("clip03", "target")), 5)
    expect(unstd(3)).toBeCloseTo(0, 5) // the difference is constant over frames
    // a model on the difference learns the drive; its meta keeps the qualified names
    const model = decodeModelArtifact(
      await runStage(
        trainStage,
        stageParams(trainStage, {
          model: { uses: "model.mlp", hidden: [4], targets: ["drive"] },
          loss: { uses: "loss.mse" },
          labels: { drive: { from: "drive_db", range: [0, 12] } },
          features: { use: ["target-input.feat"] },
          optimizer: { lr: 0.05 },
          batch: 4,
          epochs: 20
        }),
        { dataset: tinyPairs(), features },
        testContext("both", 3)
      )
    )
    expect(model.meta.features!.names).toEqual(["target-input.feat"])
    expect(model.meta.training.best_val_loss).toBeLessThan(model.meta.history[0]!.val_loss! / 2)
    // only one side computed: the error names the missing side and the fix
    expect(() => featureItemsById(tinyFeatures(pairs as never), "target", ["target-input.feat"])).toThrow(
      /feature "target-input.feat" needs "input" items, but the FeatureSet has: target \(features stage: on = "both"\)/
    )
  })

  it("bad inputs are errors naming the problem", async () => {
    const data = tinyPairs()
    await expect(runStage(trainStage, rnnParams({ labels: { drive: { from: "drive_db" }, hard: { from: "mode" } } }), { dataset: data })).rejects.toThrow(
      /label "mode" of item "clip00" is "soft", not a number: give labels.hard.map = \{ "soft" = <number>, ... \}/
    )
    await expect(
      runStage(trainStage, rnnParams({ model: { uses: "model.rnn", hidden: 4, condition: ["knob"] }, labels: {} }), { dataset: data })
    ).rejects.toThrow(/label "knob" is missing from item "clip00" \(its labels: drive_db, mode\)/)
    await expect(
      runStage(trainStage, stageParams(trainStage, { model: { uses: "model.mlp", targets: ["drive_db"] } }), { dataset: data })
    ).rejects.toThrow(/model.mlp learns from features: connect a FeatureSet/)
    await expect(runStage(trainStage, rnnParams({ segment: 5000 }), { dataset: data })).rejects.toThrow(/0 training and 0 validation segments of 5000 samples/)
  })

  it("keeps every segment, note onsets after silence included; silence_db opts in to leaving silent ones out", async () => {
    // tinyPairs with 700 samples of silence before each note: the first 600-sample segment is silent
    const { pairs } = decodePairedAudioSet(tinyPairs())
    const late = (x: Float32Array) => {
      const out = new Float32Array(x.length)
      out.set(x.subarray(0, x.length - 700), 700)
      return out
    }
    const data = encodePairedAudioSet({
      pairs: pairs.map((p) => ({ ...p, input: { ...p.input, channels: [late(p.input.channels[0]!)] }, target: { ...p.target, channels: [late(p.target.channels[0]!)] } }))
    })
    const params = (extra: Record<string, unknown> = {}) => rnnParams({ loss: { uses: "loss.esr" }, epochs: 1, ...extra })
    const kept = readJsonFile<ModelMeta>(await runStage(trainStage, params(), { dataset: data }), "model-meta.json")
    expect(kept.training.train_examples).toBe(16)
    expect(kept.training.val_examples).toBe(4)
    expect(kept.history[0]!.train_loss).toBeGreaterThan(0)
    expect(Number.isFinite(kept.history[0]!.train_loss)).toBe(true)
    const dropped = readJsonFile<ModelMeta>(await runStage(trainStage, params({ silence_db: -50 }), { dataset: data }), "model-meta.json")
    expect(dropped.training.train_examples).toBe(8)
    expect(dropped.training.val_examples).toBe(2)
  })

  it("validate refuses an STFT loss term longer than a recurrent model's TBPTT chunk, naming the parameters", () => {
    const problems = trainStage.checkConfig!(
      rnnParams({ loss: [{ uses: "loss.esr" }, { uses: "loss.mrstft", weight: 0.5 }] }) as never,
      { dataset: "PairedAudioSet" }
    )
    expect(problems).toEqual([
      { path: "loss[1].fft_sizes", message: "loss.mrstft needs windows of 1025+ samples, but model.rnn computes the loss on TBPTT chunks of tbptt.update_every = 250: lower fft_sizes or raise tbptt.update_every" }
    ])
    const fits = trainStage.checkConfig!(
      rnnParams({ loss: [{ uses: "loss.esr" }, { uses: "loss.mrstft", fft_sizes: [256, 128], hop_sizes: [64, 32], win_lengths: [256, 128], weight: 0.5 }] }) as never,
      { dataset: "PairedAudioSet" }
    )
    expect(fits).toEqual([])
  })

  it("ESR + MR-STFT trains a recurrent model on TBPTT chunks, with cosine schedule and clipping", async () => {
    const loss = [{ uses: "loss.esr", pre_emphasis: 0.85 }, { uses: "loss.mrstft", fft_sizes: [256, 128], hop_sizes: [64, 32], win_lengths: [256, 128], weight: 0.5 }]
    const a = await runStage(trainStage, rnnParams({ loss, lr_schedule: { uses: "cosine", warmup_epochs: 0.5 }, clip_grad_norm: 1 }), { dataset: tinyPairs() })
    const meta = readJsonFile<ModelMeta>(a, "model-meta.json")
    expect(meta.loss).toBe("1·loss.esr + 0.5·loss.mrstft")
    expect(meta.history.every((h) => Number.isFinite(h.train_loss) && h.val_loss !== null)).toBe(true)
    // cosine: the second epoch ends near min_lr (its last batch is the run's last)
    expect(meta.history[1]!.lr).toBeLessThan(meta.history[0]!.lr)
  })
})

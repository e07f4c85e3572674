import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { decodeWav } from "../../src/audio/wav.js"
import { Rng } from "../../src/params/rng.js"
import { readJsonFile, type Artifact } from "../../src/engine/artifact.js"
import { loadBackend } from "../../src/ml/backend.js"
import { buildLoss } from "../../src/ml/losses/index.js"
import { loadModel } from "../../src/ml/model-files.js"
import { decodeModelArtifact } from "../../src/stages/artifacts/model-artifact.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { esr, l1, lufsDifference, mrstft } from "../../src/ml/audio-metrics.js"
import { loadPredictor, loadTfjsPredictor } from "../../src/ml/predictor.js"
import { evaluateStage } from "../../src/stages/evaluate.js"
import { trainStage } from "../../src/stages/train.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { tinyFeatures, tinyPairs } from "./ml-fixtures.js"
import { stageParams } from "./stage-params.js"

const previous = process.env["AUDIOML_BACKEND"]
beforeAll(() => {
  process.env["AUDIOML_BACKEND"] = "cpu"
})
afterAll(() => {
  if (previous === undefined) delete process.env["AUDIOML_BACKEND"]
  else process.env["AUDIOML_BACKEND"] = previous
})

const trainRnn = (data: Artifact, cell = "lstm"): Promise<Artifact> =>
  runStage(
    trainStage,
    stageParams(trainStage, {
      model: { uses: "model.rnn", cell, hidden: 4, condition: ["drive", "hard"] },
      loss: { uses: "loss.esr", pre_emphasis: "none" },
      labels: { drive: { from: "drive_db", range: [0, 12] }, hard: { from: "mode", map: { soft: 0, hard: 1 } } },
      optimizer: { lr: 0.02 },
      batch: 8,
      epochs: 1,
      segment: 600,
      tbptt: { warmup: 100, update_every: 250 }
    }),
    { dataset: data },
    testContext("fx", 4)
  )

describe("audio metrics (hand-computed values)", () => {
  const y = Float32Array.from([1, 2, 3])
  const p = Float32Array.from([1, 1, 1])
  it("ESR = Σ(y − ŷ)² / Σy², with pre-emphasis 1 − c·z⁻¹ keeping the first sample", () => {
    expect(esr(y, p)).toBeCloseTo(5 / 14, 7)
    // c = 0.5: y → [1, 1.5, 2], ŷ → [1, 0.5, 0.5]; errors 0, 1, 1.5
    expect(esr(y, p, 0.5)).toBeCloseTo(3.25 / 7.25, 7)
    expect(esr(y, y)).toBe(0)
  })
  it("L1 is the mean absolute error", () => {
    expect(l1(y, p)).toBeCloseTo(1, 7)
  })
  it("MR-STFT matches the tfjs training loss loss.mrstft (auraloss definition) on the same signals", async () => {
    const { tf } = await loadBackend("cpu")
    const rng = new Rng(3)
    const target = Float32Array.from({ length: 3000 }, (_, t) => 0.5 * Math.sin(t * 0.05) + 0.05 * rng.normal())
    const prediction = Float32Array.from(target, (v) => 0.8 * v + 0.02 * rng.normal())
    const o = { fft_sizes: [256, 512, 128], hop_sizes: [64, 128, 32], win_lengths: [200, 400, 100] }
    const loss = buildLoss(tf, { uses: "loss.mrstft", ...o }, { sampleRate: 16000 })
    const reference = tf.tidy(() => loss.fn(tf.tensor3d(target, [1, 3000, 1]), tf.tensor3d(prediction, [1, 3000, 1])).dataSync()[0]!)
    loss.dispose()
    const ours = mrstft(target, prediction, o)
    expect(Math.abs(ours - reference) / reference).toBeLessThan(1e-3)
    expect(mrstft(target, target, o)).toBeCloseTo(0, 6)
  })
  it("loudness difference: a prediction 6.02 dB louder reads +6.02 LU", () => {
    const rng = new Rng(1)
    const target = Float32Array.from({ length: 48000 }, () => 0.1 * rng.normal())
    expect(lufsDifference(target, target.map((v) => 2 * v), 48000)).toBeCloseTo(20 * Math.log10(2), 3)
    expect(lufsDifference(new Float32Array(100), new Float32Array(100), 48000)).toBeNull()
  })
})

describe("predictor", () => {
  it("the typed-array LSTM/GRU kernels give the tfjs model's output on a trained model.rnn", async () => {
    const { tf } = await loadBackend("cpu")
    const data = tinyPairs()
    for (const cell of ["lstm", "gru"]) {
      const model = decodeModelArtifact(await trainRnn(data, cell))
      const predictor = await loadPredictor(model)
      expect(predictor.engine).toBe(`wasm-simd ${cell.toUpperCase()} kernel`)
      const x = decodePairedAudioSet(data).pairs[0]!.input.channels[0]!
      const cond = Float32Array.from([0.25, 1])
      const fast = predictor.processAudio(x, cond)
      const net = loadModel(tf, model.files)
      const xs = new Float32Array(x.length * 3)
      for (let t = 0; t < x.length; t++) xs.set([x[t]!, cond[0]!, cond[1]!], t * 3)
      const ref = tf.tidy(() => net.apply(tf.tensor3d(xs, [1, x.length, 3])).y.dataSync() as Float32Array)
      net.dispose()
      let worst = 0
      for (let t = 0; t < x.length; t++) worst = Math.max(worst, Math.abs(fast[t]! - ref[t]!))
      expect(worst).toBeLessThan(1e-5)
    }
  })
  it("the tfjs predictor carries a recurrent model's state across its 32768-sample chunks: equal to the kernel on 40,000 samples", async () => {
    const data = tinyPairs()
    const model = decodeModelArtifact(await trainRnn(data))
    const clip = decodePairedAudioSet(data).pairs[0]!.input.channels[0]!
    const x = Float32Array.from({ length: 40000 }, (_, t) => clip[t % clip.length]!)
    const cond = Float32Array.from([0.5, 0])
    const kernel = await loadPredictor(model)
    const tfjs = await loadTfjsPredictor(model)
    expect(tfjs.engine).toMatch(/^tfjs /)
    const a = kernel.processAudio(x, cond)
    const b = tfjs.processAudio(x, cond)
    let worst = 0
    for (let t = 0; t < x.length; t++) worst = Math.max(worst, Math.abs(a[t]! - b[t]!))
    expect(worst).toBeLessThan(1e-5)
    tfjs.dispose()
  })
})

describe("evaluate stage", () => {
  it("a FiLM-conditioned model.wavenet trains (cosine schedule, clipping) and evaluates through its WASM kernel, equal to the tfjs model", async () => {
    const { tf } = await loadBackend("cpu")
    const data = tinyPairs()
    const model = decodeModelArtifact(
      await runStage(
        trainStage,
        stageParams(trainStage, {
          model: { uses: "model.wavenet", preset: "nano", condition: ["drive", "hard"], conditioning: "film" },
          labels: { drive: { from: "drive_db", range: [0, 12] }, hard: { from: "mode", map: { soft: 0, hard: 1 } } },
          optimizer: { lr: 0.01 },
          lr_schedule: { uses: "cosine" },
          clip_grad_norm: 1,
          batch: 8,
          epochs: 2,
          segment: 600
        }),
        { dataset: data },
        testContext("fx", 4)
      )
    )
    expect(model.meta.params).toMatchObject({ conditioning: "film" })
    expect(model.meta.summary).toMatch(/conditioned on drive, hard by FiLM/)
    const predictor = await loadPredictor(model)
    expect(predictor.engine).toBe("wasm-simd WaveNet kernel")
    const x = decodePairedAudioSet(data).pairs[0]!.input.channels[0]!
    const cond = Float32Array.from([0.25, 1])
    const fast = predictor.processAudio(x, cond)
    const net = loadModel(tf, model.files)
    const xs = new Float32Array(x.length * 3)
    for (let t = 0; t < x.length; t++) xs.set([x[t]!, cond[0]!, cond[1]!], t * 3)
    const ref = tf.tidy(() => net.apply(tf.tensor3d(xs, [1, x.length, 3])).y.dataSync() as Float32Array)
    net.dispose()
    let worst = 0
    for (let t = 0; t < x.length; t++) worst = Math.max(worst, Math.abs(fast[t]! - ref[t]!))
    expect(worst).toBeLessThan(1e-5)
    // the FiLM weights moved from zero: the labels now change the output
    const other = predictor.processAudio(x, Float32Array.from([0.9, 0]))
    expect(Math.max(...fast.map((v, t) => Math.abs(v - other[t]!)))).toBeGreaterThan(0)
  })

  it("effect model: metrics on the test split, per-bucket metrics and example WAVs", async () => {
    const data = tinyPairs()
    const model = await trainRnn(data)
    const params = stageParams(evaluateStage, {
      group_by: ["hard", "drive_db"],
      bin_width: { drive_db: 6 },
      examples: 1,
      mrstft: { fft_sizes: [256, 128], hop_sizes: [64, 32], win_lengths: [256, 128] }
    })
    const logs: string[] = []
    const out = await runStage(evaluateStage, params, { model, dataset: data }, { ...testContext("eval"), log: (m) => void logs.push(m) })
    expect(out.kind).toBe("Metrics")
    const m = readJsonFile<Record<string, any>>(out, "metrics.json")
    expect(m["split"]).toBe("test")
    expect(m["items"]).toBe(2)
    expect(m["inference"]).toBe("wasm-simd LSTM kernel")
    for (const k of ["esr_pooled", "esr_mean", "esr_bypass_pooled", "esr_bypass_mean", "esr_pre_emphasis", "l1", "mrstft"]) expect(Number.isFinite(m[k])).toBe(true)
    expect(m["esr"]).toBeUndefined()
    // 75 ms clips are shorter than one 400 ms BS.1770 block: no loudness
    expect(m["lufs_diff_db"]).toBeNull()
    // test clips 10 (soft) and 11 (hard): one bucket each, named by the model's label mapping
    const keys = Object.keys(m["groups"].buckets)
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatch(/^hard=0, drive_db=\[(0|6), (6|12)\)$/)
    expect(keys[1]).toMatch(/^hard=1, drive_db=\[(0|6), (6|12)\)$/)
    expect(m["groups"].buckets[keys[0]!].items).toBe(1)
    // the mean over buckets of one clip each is the overall mean; a bucket of one clip pools to its own ESR
    const bucketEsr = keys.map((k) => m["groups"].buckets[k].esr_mean as number)
    expect((bucketEsr[0]! + bucketEsr[1]!) / 2).toBeCloseTo(m["esr_mean"], 10)
    for (const k of keys) expect(m["groups"].buckets[k].esr_pooled).toBeCloseTo(m["groups"].buckets[k].esr_mean, 10)
    expect(logs.some((l) => /held-out ESR pooled [0-9.]+, mean over clips [0-9.]+/.test(l))).toBe(true)
    expect([...out.files.keys()].filter((f) => f.startsWith("examples/")).sort()).toEqual([
      "examples/clip10/input.wav",
      "examples/clip10/prediction.wav",
      "examples/clip10/target.wav"
    ])
    // the ESR in the metrics is the ESR of the written example (one example, two test clips: recompute)
    const target = decodeWav(out.files.get("examples/clip10/target.wav")!).channels[0]!
    const prediction = decodeWav(out.files.get("examples/clip10/prediction.wav")!).channels[0]!
    const bucketOf10 = keys[0]!
    expect(esr(target, prediction)).toBeCloseTo(m["groups"].buckets[bucketOf10].esr_mean, 6)
    // bypass: the dry input as the prediction, averaged over the two test clips, and pooled
    const pairs = decodePairedAudioSet(data).pairs.filter((p) => p.split === "test")
    const bypass = pairs.map((p) => esr(p.target.channels[0]!, p.input.channels[0]!))
    expect(m["esr_bypass_mean"]).toBeCloseTo((bypass[0]! + bypass[1]!) / 2, 6)
    const sq = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0)
    const err = pairs.map((p) => sq(p.target.channels[0]!, p.input.channels[0]!))
    const energy = pairs.map((p) => sq(p.target.channels[0]!, new Float32Array(p.target.channels[0]!.length)))
    expect(m["esr_bypass_pooled"]).toBeCloseTo((err[0]! + err[1]!) / (energy[0]! + energy[1]!), 6)
    // the model's pooled ESR: each clip's error (its ESR × its energy) over the summed energy
    // (clip 10 soft, in bucket 0; clip 11 hard, in bucket 1), not the mean of the two ratios
    const pooled = (bucketEsr[0]! * energy[0]! + bucketEsr[1]! * energy[1]!) / (energy[0]! + energy[1]!)
    expect(m["esr_pooled"]).toBeCloseTo(pooled, 6)
    expect(Math.abs(m["esr_pooled"] - m["esr_mean"])).toBeGreaterThan(1e-6)
  })

  it("regressor: per-parameter MAE in label units and a predictions table", async () => {
    const data = tinyPairs()
    const features = tinyFeatures(decodePairedAudioSet(data).pairs as never)
    const model = await runStage(
      trainStage,
      stageParams(trainStage, {
        model: { uses: "model.mlp", hidden: [8], targets: ["drive"] },
        loss: { uses: "loss.mse" },
        labels: { drive: { from: "drive_db", range: [0, 12] } },
        features: { use: ["feat"] },
        epochs: 3
      }),
      { dataset: data, features },
      testContext("reg", 2)
    )
    const out = await runStage(evaluateStage, stageParams(evaluateStage, {}), { model, dataset: data, features })
    const m = readJsonFile<Record<string, any>>(out, "metrics.json")
    const table = readJsonFile<Array<{ id: string; drive: { true: number; predicted: number } }>>(out, "predictions.json")
    expect(table.map((r) => r.id)).toEqual(["clip10", "clip11"])
    const mae = (Math.abs(table[0]!.drive.true - table[0]!.drive.predicted) + Math.abs(table[1]!.drive.true - table[1]!.drive.predicted)) / 2
    expect(m["mae"].drive).toBeCloseTo(mae, 4)
    expect(m["mae_normalised"].drive).toBeCloseTo(mae / 12, 4)
    // the mean-predictor baseline: |truth − mean of the 8 train-split drives|, averaged over the 2 test clips
    const pairs = decodePairedAudioSet(data).pairs
    const trainMean = pairs.filter((p) => p.split === "train").reduce((s, p) => s + Number(p.labels["drive_db"]), 0) / 8
    const baseline = (Math.abs(table[0]!.drive.true - trainMean) + Math.abs(table[1]!.drive.true - trainMean)) / 2
    expect(m["baseline_mae"].drive).toBeCloseTo(baseline, 4)
    await expect(runStage(evaluateStage, stageParams(evaluateStage, {}), { model, dataset: data })).rejects.toThrow(/predicts from features: connect the FeatureSet/)
  })

  it("an empty test split is an error naming the split", async () => {
    const data = tinyPairs()
    const model = await trainRnn(data)
    const noTest = decodePairedAudioSet(data).pairs.filter((p) => p.split !== "test")
    const { encodePairedAudioSet } = await import("../../src/stages/artifacts/paired-audio-set.js")
    await expect(runStage(evaluateStage, stageParams(evaluateStage, {}), { model, dataset: encodePairedAudioSet({ pairs: noTest }) })).rejects.toThrow(
      /no "test" items in the dataset \(10 items in other splits\)/
    )
  })
})

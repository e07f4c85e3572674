import { monoSignal } from "../dsp/signal.js"
import { encodeWav } from "../audio/wav.js"
import { jsonBytes, makeArtifact, type Artifact } from "../engine/artifact.js"
import { recordRunFact } from "../engine/run-facts.js"
import type { StageContext, StageDefinition } from "../engine/stage.js"
import { mrstftParams } from "../ml/losses/stft.js"
import { array, integer, number, object, oneOf, record, string } from "../params/schema.js"
import { AUDIO_SET } from "./artifacts/audio-set.js"
import { FEATURE_SET } from "./artifacts/feature-set.js"
import { safeId } from "./artifacts/labels.js"
import { decodeModelArtifact, MODEL } from "./artifacts/model-artifact.js"
import { decodeTargetOutputs, labelValue, normaliseLabel, type LabelNorm, type ModelMeta } from "../ml/model-meta.js"
import { PAIRED_AUDIO_SET } from "./artifacts/paired-audio-set.js"
import { esr, esrSums, l1, lufsDifference, mrstft, pooledEsr, type MrstftOptions } from "../ml/audio-metrics.js"
import { loadPredictor } from "../ml/predictor.js"
import { promiseStage } from "./stage-effect.js"
import { conditionValues, featureInput, featureInputFromAudio, featureItemsById, mlItems, testItems, type MlItem } from "./train/model-inputs.js"
import { paramMetrics } from "./evaluate/param-metrics.js"
import { meanPrediction, predictsSynthParams, presetValuesFromPrediction, queryNoteOf, resynthesisDistances, type ResynthesisDistances } from "../ml/resynthesis.js"
import { rankIdentities, toneMatch, type ToneMatchResult } from "../ml/tone-match.js"
import { modelDefinition } from "../ml/models/index.js"
import { decodeDataset, isPair } from "./dataset-items.js"
import { toMono } from "../dsp/signal.js"
import { DataError } from "../errors/audioml-error.js"

/** The evaluate stage's output: metrics.json at the root (merged into the run's metrics.json), plus example clips. */
export const METRICS = "Metrics"

export interface EvaluateParams {
  readonly split: "test" | "val" | "train" | "all"
  readonly pre_emphasis: number
  readonly mrstft: MrstftOptions
  readonly group_by: ReadonlyArray<string>
  readonly bin_width: Readonly<Record<string, number>>
  readonly examples: number
  readonly timing: number
  readonly bank_where: Readonly<Record<string, number | string>>
  readonly bank_exclude: Readonly<Record<string, number | string>>
  readonly resynth: number
}

const evaluateParams = object({
  split: oneOf(["test", "val", "train", "all"], { description: "Items to evaluate (a dataset without splits is evaluated whole)", default: "test" }),
  pre_emphasis: number({ description: "Coefficient c of the pre-emphasis 1 − c·z⁻¹ for esr_pre_emphasis", minimum: 0, maximum: 0.999, default: 0.85, distribution: false }),
  mrstft: { ...mrstftParams, description: "Resolutions of the multi-resolution STFT metric (auraloss defaults)", default: {} },
  group_by: array(string({ description: "Label name" }), {
    description: "Also report the metrics per bucket of these labels, e.g. [\"limit\", \"peak_reduction\"] (model label names or item labels)",
    default: []
  }),
  bin_width: record(number({ description: "Bucket width", exclusiveMinimum: 0, distribution: false }), {
    description: "Bucket numeric group_by labels into bins of this width, e.g. { peak_reduction = 25 } (default: one bucket per value)",
    default: {}
  }),
  examples: integer({ description: "Test clips written as WAV (input, target, prediction) under examples/", minimum: 0, maximum: 100, default: 3, distribution: false }),
  timing: integer({
    description: "Feature models: time features + model on this many test items, one at a time (ms per item in the run report and log, not in metrics.json: wall-clock)",
    minimum: 0,
    maximum: 10000,
    default: 16,
    distribution: false
  }),
  bank_where: record({ type: ["number", "string"] }, {
    description:
      "Embedding models: the bank of the tone match is every item (all splits) whose labels equal these, e.g. { note = 60 }; the queries are the evaluated split's other items. Empty: every item is in the bank and each query leaves itself out",
    default: {}
  }),
  resynth: integer({
    description:
      "Synth parameter models: render this many test items (first by id) with our synth from the predicted parameters, and from the average preset, and report the log-spectral distance, MFCC L1 and MR-STFT to the item's audio",
    minimum: 0,
    maximum: 100000,
    default: 32,
    distribution: false
  }),
  bank_exclude: record({ type: ["number", "string"] }, {
    description: 'Embedding models: leave out of the bank the items with any of these label values, e.g. { "synth.bank" = "around" } (presets drawn for training)',
    default: {}
  })
})

type Row = Record<string, number | null>

/** Mean of each metric over rows (nulls left out); the key order of the first row. */
const meanRows = (rows: ReadonlyArray<Row>): Row => {
  const out: Record<string, number | null> = {}
  for (const key of Object.keys(rows[0] ?? {})) {
    const values = rows.map((r) => r[key]).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v))
    out[key] = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null
  }
  return out
}

/** A group label's value: through the model's label definition when it has one, else the raw item label. */
const groupValue = (name: string, norms: ReadonlyArray<LabelNorm>, item: MlItem, binWidth: number | undefined): string => {
  const norm = norms.find((n) => n.name === name)
  const raw = norm !== undefined ? labelValue(norm, item.labels, item.id) : item.labels[name]
  if (raw === undefined) throw new DataError({ message: `group_by: item "${item.id}" has no label "${name}" (its labels: ${Object.keys(item.labels).sort().join(", ")})` })
  if (typeof raw === "number" && binWidth !== undefined) {
    const lo = Math.floor(raw / binWidth) * binWidth
    return `${name}=[${round(lo)}, ${round(lo + binWidth)})`
  }
  return `${name}=${typeof raw === "number" ? round(raw) : String(raw)}`
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6

/** Items per bucket of the group_by labels, buckets in natural order; undefined without group_by. */
const bucketsOf = <T extends { item: MlItem }>(rows: ReadonlyArray<T>, params: EvaluateParams, norms: ReadonlyArray<LabelNorm>): Array<[string, T[]]> | undefined => {
  if (params.group_by.length === 0) return undefined
  const buckets = new Map<string, T[]>()
  for (const r of rows) {
    const key = params.group_by.map((g) => groupValue(g, norms, r.item, params.bin_width[g])).join(", ")
    const list = buckets.get(key) ?? []
    list.push(r)
    buckets.set(key, list)
  }
  return [...buckets.keys()].sort((a, b) => a.localeCompare(b, "en", { numeric: true })).map((k) => [k, buckets.get(k)!])
}

const grouped = (rows: ReadonlyArray<{ item: MlItem; row: Row }>, params: EvaluateParams, norms: ReadonlyArray<LabelNorm>) => {
  const buckets = bucketsOf(rows, params, norms)
  if (buckets === undefined) return undefined
  return { by: params.group_by, buckets: Object.fromEntries(buckets.map(([k, list]): [string, Row & { items: number }] => [k, { ...meanRows(list.map((r) => r.row)), items: list.length }])) }
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? "n/a" : v.toPrecision(4))

const evaluateAudio = async (
  meta: ModelMeta,
  predict: (input: Float32Array, condition: Float32Array) => Float32Array,
  items: MlItem[],
  params: EvaluateParams,
  ctx: StageContext,
  files: Array<readonly [string, Uint8Array]>
) => {
  if (items.some((i) => i.input === undefined)) throw new DataError({ message: `${meta.uses} is an audio model: the dataset must be a PairedAudioSet` })
  ctx.progress.start(items.length, "clips")
  interface ClipRow {
    readonly item: MlItem
    readonly row: Row
    /** ESR sums of the model and of the bypass, pooled over a set of clips. */
    readonly sums: ReturnType<typeof esrSums>
    readonly bypass: ReturnType<typeof esrSums>
  }
  const rows: ClipRow[] = []
  const examples = new Set([...items].map((i) => i.id).sort().slice(0, params.examples))
  for (const [n, item] of items.entries()) {
    const prediction = predict(item.input!, conditionValues(meta.condition, item))
    const target = item.target!
    const sums = esrSums(target, prediction)
    // the floor a model must beat: the dry input as the prediction (effect bypassed)
    const bypass = esrSums(target, item.input!)
    const row: Row = {
      esr: esr(target, prediction),
      esr_pre_emphasis: esr(target, prediction, params.pre_emphasis),
      l1: l1(target, prediction),
      mrstft: target.length > Math.max(...params.mrstft.fft_sizes) / 2 ? mrstft(target, prediction, params.mrstft) : null,
      lufs_diff_db: lufsDifference(target, prediction, item.sampleRate),
      esr_bypass: esr(target, item.input!)
    }
    rows.push({ item, row, sums, bypass })
    if (examples.has(item.id)) {
      const dir = `examples/${safeId(item.id)}`
      files.push(
        [`${dir}/input.wav`, encodeWav(monoSignal(item.sampleRate, item.input!))],
        [`${dir}/target.wav`, encodeWav(monoSignal(item.sampleRate, target))],
        [`${dir}/prediction.wav`, encodeWav(monoSignal(item.sampleRate, prediction))]
      )
    }
    ctx.progress.update(n + 1, `ESR ${fmt(row["esr"])}`)
  }
  /**
   * The metrics of a set of clips: the ESR both pooled (Σ error / Σ energy over the clips,
   * NAM's and the papers' figure) and as the mean of the per-clip ESRs, likewise the bypass;
   * the other metrics as means over clips (|ΔLUFS| as a mean absolute value, so that signed
   * errors do not cancel).
   */
  const summarize = (set: ReadonlyArray<ClipRow>): Row => {
    const means = meanRows(set.map((r) => r.row))
    const absLufs = set.map((r) => r.row["lufs_diff_db"]).filter((v): v is number => v !== null && v !== undefined)
    return {
      esr_pooled: pooledEsr(set.map((r) => r.sums)),
      esr_mean: means["esr"] ?? null,
      esr_bypass_pooled: pooledEsr(set.map((r) => r.bypass)),
      esr_bypass_mean: means["esr_bypass"] ?? null,
      esr_pre_emphasis: means["esr_pre_emphasis"] ?? null,
      l1: means["l1"] ?? null,
      mrstft: means["mrstft"] ?? null,
      lufs_diff_db: absLufs.length > 0 ? absLufs.reduce((a, b) => a + Math.abs(b), 0) / absLufs.length : null
    }
  }
  const summary = summarize(rows)
  ctx.log(
    `held-out ESR pooled ${fmt(summary["esr_pooled"])}, mean over clips ${fmt(summary["esr_mean"])} (bypass ${fmt(summary["esr_bypass_pooled"])} / ${fmt(summary["esr_bypass_mean"])}; ` +
      `pre-emphasis ${params.pre_emphasis}: ${fmt(summary["esr_pre_emphasis"])}), L1 ${fmt(summary["l1"])}, ` +
      `MR-STFT ${fmt(summary["mrstft"])}, |ΔLUFS| ${fmt(summary["lufs_diff_db"])} LU on ${items.length} clip(s)`
  )
  const buckets = bucketsOf(rows, params, meta.condition)
  if (buckets === undefined) return summary
  const groups = { by: params.group_by, buckets: Object.fromEntries(buckets.map(([k, list]): [string, Row & { items: number }] => [k, { ...summarize(list), items: list.length }])) }
  for (const [key, b] of Object.entries(groups.buckets)) {
    ctx.log(`  ${key}: ESR pooled ${fmt(b["esr_pooled"])}, mean ${fmt(b["esr_mean"])}, bypass ${fmt(b["esr_bypass_pooled"])} (${b.items} clip${b.items === 1 ? "" : "s"})`)
  }
  return { ...summary, groups }
}

const evaluateFeatures = async (
  meta: ModelMeta,
  predict: (xs: ReadonlyArray<Float32Array>) => Float32Array[],
  items: MlItem[],
  trainItems: MlItem[],
  features: Artifact | undefined,
  dataset: Artifact,
  params: EvaluateParams,
  ctx: StageContext,
  files: Array<readonly [string, Uint8Array]>
) => {
  if (features === undefined || meta.features === undefined) throw new DataError({ message: `${meta.uses} predicts from features: connect the FeatureSet, from = { model = "...", dataset = "...", features = "..." }` })
  const { byId } = featureItemsById(features, meta.features.source, meta.features.names)
  const missing = items.filter((i) => !byId.has(i.id))
  if (missing.length > 0) throw new DataError({ message: `${missing.length} item(s) have no features (e.g. "${missing[0]!.id}")` })
  const outputs = predict(items.map((i) => featureInput(byId.get(i.id)!, meta.features!)))
  const { metrics, predictions } = paramMetrics(meta.targets, outputs, items, trainItems)
  files.push(["predictions.json", jsonBytes(predictions.map((p) => ({ id: p.id, ...p.values })))])
  // per-item rows only for group_by buckets
  const rows = items.map((item, n) => {
    const row: Row = {}
    const decoded = decodeTargetOutputs(meta.targets, outputs[n]!)
    meta.targets.forEach((t, k) => {
      row[`mae_normalised.${t.name}`] = Math.abs(decoded[k]! - normaliseLabel(t, labelValue(t, item.labels, item.id)))
    })
    return { item, row }
  })
  const classified = meta.targets.filter((t) => t.classes !== undefined)
  ctx.log(
    `parameter MAE on ${items.length} item(s), normalised: mean ${fmt(metrics.mae_normalised_mean)} (predicting the training mean: ${fmt(metrics.baseline_mae_normalised_mean)}); ` +
      Object.entries(metrics.mae_normalised_by_group).map(([g, v]) => `${g} ${fmt(v)}`).join(", ") +
      (classified.length > 0 ? `; accuracy of ${classified.length} classified: ${fmt(metrics.accuracy_mean)}` : "")
  )
  for (const t of meta.targets) {
    ctx.log(`  ${t.name}: MAE ${fmt(metrics.mae[t.name])} (normalised ${fmt(metrics.mae_normalised[t.name])}, baseline ${fmt(metrics.baseline_mae_normalised[t.name])})` +
      (t.classes !== undefined ? `, accuracy ${fmt(metrics.accuracy[t.name])} (baseline ${fmt(metrics.baseline_accuracy[t.name])})` : ""))
  }
  const groups = grouped(rows, params, meta.targets)
  const resynthesis = params.resynth > 0 && predictsSynthParams(meta.targets) ? resynthesize(meta, outputs, items, trainItems, dataset, params.resynth, ctx) : undefined
  return { ...metrics, ...(resynthesis !== undefined ? { resynthesis } : {}), ...(groups !== undefined ? { groups } : {}) }
}

/**
 * Synth parameter models: the first `count` items (by id) rendered with our synth from the
 * predicted parameters, and from the average preset (the floor), compared with the item's
 * audio (mean log-spectral distance, MFCC L1, MR-STFT).
 */
const resynthesize = (
  meta: ModelMeta,
  outputs: ReadonlyArray<Float32Array>,
  items: MlItem[],
  trainItems: MlItem[],
  dataset: Artifact,
  count: number,
  ctx: StageContext
) => {
  const index = new Map(items.map((item, n) => [item.id, n]))
  const wanted = new Set([...index.keys()].sort().slice(0, count))
  const clips = decodeDataset(dataset).items.filter((i) => wanted.has(i.id))
  // the floor needs the training split's presets: without them (a test-only dataset) it is left out
  const mean = trainItems.length > 0 ? presetValuesFromPrediction(meta.targets, meanPrediction(meta.targets, trainItems)) : undefined
  const predicted: ResynthesisDistances[] = []
  const baseline: ResynthesisDistances[] = []
  ctx.progress.start(clips.length, "resyntheses")
  for (const clip of clips) {
    const audio = isPair(clip) ? toMono(clip.target) : toMono(clip.audio)
    const sr = isPair(clip) ? clip.target.sampleRate : clip.audio.sampleRate
    const note = queryNoteOf(clip.labels, audio.length / sr)
    const decoded = decodeTargetOutputs(meta.targets, outputs[index.get(clip.id)!]!)
    predicted.push(resynthesisDistances(audio, sr, presetValuesFromPrediction(meta.targets, decoded), note))
    if (mean !== undefined) baseline.push(resynthesisDistances(audio, sr, mean, note))
    ctx.progress.update(predicted.length)
  }
  const avg = (rows: ResynthesisDistances[], k: keyof ResynthesisDistances) => rows.reduce((s, r) => s + r[k], 0) / Math.max(1, rows.length)
  const summary = (rows: ResynthesisDistances[]) => ({ lsd_db: avg(rows, "lsd_db"), mfcc_l1: avg(rows, "mfcc_l1"), mrstft: avg(rows, "mrstft") })
  const floor = mean !== undefined ? summary(baseline) : undefined
  const result = { items: predicted.length, engine: "audioml", ...summary(predicted), ...(floor !== undefined ? { average_preset: floor } : {}) }
  ctx.log(
    `resynthesis of ${result.items} item(s) with our synth: LSD ${fmt(result.lsd_db)} dB, MFCC L1 ${fmt(result.mfcc_l1)}, MR-STFT ${fmt(result.mrstft)} ` +
      (floor !== undefined ? `(the average preset: ${fmt(floor.lsd_db)} dB, ${fmt(floor.mfcc_l1)}, ${fmt(floor.mrstft)})` : "(no training presets in the dataset: no average-preset floor)")
  )
  return result
}

/**
 * A vector autoencoder (model.vae_recommender): how well the held-out presets' parameter
 * vectors come back through the latent space (normalised MAE per target and mean, each
 * distinct vector once), against predicting the training mean.
 */
const evaluateVectors = async (meta: ModelMeta, predict: (xs: ReadonlyArray<Float32Array>) => Float32Array[], items: MlItem[], trainItems: MlItem[], ctx: StageContext) => {
  const distinct = new Map<string, Float32Array>()
  for (const item of items) {
    const v = conditionValues(meta.targets, item)
    distinct.set(Array.from(v).join(","), v)
  }
  const vectors = [...distinct.values()]
  const outs = predictInBatches(predict, vectors)
  const k = meta.targets.length
  const trainMean = meta.targets.map((t) => (trainItems.length === 0 ? 0.5 : trainItems.reduce((s, i) => s + normaliseLabel(t, labelValue(t, i.labels, i.id)), 0) / trainItems.length))
  const mae: Record<string, number> = {}
  const baseline: Record<string, number> = {}
  meta.targets.forEach((t, j) => {
    mae[t.name] = vectors.reduce((s, v, i) => s + Math.abs(outs[i]![j]! - v[j]!), 0) / vectors.length
    baseline[t.name] = vectors.reduce((s, v) => s + Math.abs(trainMean[j]! - v[j]!), 0) / vectors.length
  })
  const mean = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0) / k
  ctx.log(`reconstruction of ${vectors.length} distinct held-out preset vectors: normalised MAE ${fmt(mean(mae))} (the training mean: ${fmt(mean(baseline))}); directions: ${Object.keys(meta.directions ?? {}).join(", ") || "none"}`)
  return { reconstruction: { vectors: vectors.length, mae_normalised: mae, mae_normalised_mean: mean(mae), baseline_mae_normalised_mean: mean(baseline) }, directions: Object.fromEntries(Object.entries(meta.directions ?? {}).map(([n, d]) => [n, d.per_std])) }
}

/** Model outputs in batches of 256 (bounded memory on large sets). */
const predictInBatches = (predict: (xs: ReadonlyArray<Float32Array>) => Float32Array[], xs: ReadonlyArray<Float32Array>): Float32Array[] => {
  const out: Float32Array[] = []
  for (let i = 0; i < xs.length; i += 256) out.push(...predict(xs.slice(i, i + 256)))
  return out
}

const matchesWhere = (labels: Readonly<Record<string, unknown>>, where: Readonly<Record<string, number | string>>): boolean =>
  Object.entries(where).every(([k, v]) => labels[k] === v)

/**
 * An embedding model (model.tone_embedding): tone matching by retrieval. The bank is every
 * item of the dataset (all splits) matching `bank_where`; the queries are the evaluated
 * split's items not matching it (another note or velocity than the bank's). Without
 * `bank_where` every item is in the bank and each query leaves itself out.
 */
const evaluateEmbedding = async (
  meta: ModelMeta,
  predict: (xs: ReadonlyArray<Float32Array>) => Float32Array[],
  items: MlItem[],
  all: MlItem[],
  features: Artifact | undefined,
  params: EvaluateParams,
  ctx: StageContext,
  files: Array<readonly [string, Uint8Array]>
) => {
  if (features === undefined || meta.features === undefined) throw new DataError({ message: `${meta.uses} embeds features: connect the FeatureSet, from = { model = "...", dataset = "...", features = "..." }` })
  const identity = String(meta.params["identity"] ?? "synth.preset_key")
  const where = params.bank_where
  const filtered = Object.keys(where).length > 0
  const excluded = (i: MlItem) => Object.entries(params.bank_exclude).some(([k, v]) => i.labels[k] === v)
  const bankItems = (filtered ? all.filter((i) => matchesWhere(i.labels, where)) : all).filter((i) => !excluded(i))
  const queryItems = filtered ? items.filter((i) => !matchesWhere(i.labels, where)) : items
  if (bankItems.length === 0) throw new DataError({ message: `bank_where ${JSON.stringify(where)} matches no item of the dataset` })
  if (queryItems.length === 0) throw new DataError({ message: `every "${params.split}" item matches bank_where ${JSON.stringify(where)}: no queries left (render the held-out presets at another note too)` })
  const { byId } = featureItemsById(features, meta.features.source, meta.features.names)
  const needed = [...new Map([...bankItems, ...queryItems].map((i) => [i.id, i])).values()]
  const missing = needed.filter((i) => !byId.has(i.id))
  if (missing.length > 0) throw new DataError({ message: `${missing.length} item(s) have no features (e.g. "${missing[0]!.id}")` })
  ctx.progress.start(needed.length, "embeddings")
  const embeddings = new Map<string, Float32Array>()
  const outs = predictInBatches(predict, needed.map((i) => featureInput(byId.get(i.id)!, meta.features!)))
  needed.forEach((item, n) => embeddings.set(item.id, outs[n]!))
  const identityOf = (i: MlItem): string => {
    const v = i.labels[identity]
    if (v === undefined) throw new DataError({ message: `identity label "${identity}" is missing from item "${i.id}"` })
    return String(v)
  }
  const bank = bankItems.map((i) => ({ id: i.id, identity: identityOf(i), embedding: embeddings.get(i.id)! }))
  const queries = queryItems.map((i) => ({ id: i.id, identity: identityOf(i), embedding: embeddings.get(i.id)! }))
  const result = filtered
    ? toneMatch(queries, bank)
    : (() => {
        // leave-one-out: each query against the bank without its own item
        const per = queries.map((q) => toneMatch([q], bank.filter((b) => b.id !== q.id)))
        const mean = (f: (r: ToneMatchResult) => number) => per.reduce((a, r) => a + f(r), 0) / Math.max(1, per.length)
        return { ...per[0]!, top1: mean((r) => r.top1), top5: mean((r) => r.top5), mrr: mean((r) => r.mrr), queries: queries.length, missing_from_bank: per.reduce((a, r) => a + r.missing_from_bank, 0) }
      })()
  const table = queries.slice(0, 1000).map((q) => {
    const ranked = rankIdentities(q.embedding, filtered ? bank : bank.filter((b) => b.id !== q.id)).slice(0, 5)
    return { id: q.id, identity: q.identity, nearest: ranked.map((r) => ({ identity: r.identity, distance: round(r.distance) })) }
  })
  files.push(["matches.json", jsonBytes(table)])
  ctx.log(
    `tone match on ${result.queries} quer${result.queries === 1 ? "y" : "ies"} against ${result.bank_items} bank clips of ${result.bank_identities} tones (identity "${identity}"): ` +
      `top-1 ${fmt(result.top1)}, top-5 ${fmt(result.top5)}, MRR ${fmt(result.mrr)} (chance ${fmt(result.chance_top1)})` +
      (result.missing_from_bank > 0 ? `; ${result.missing_from_bank} queries' tones are not in the bank` : "")
  )
  return { tone_match: { ...result, identity, bank_where: where, bank_exclude: params.bank_exclude } }
}

/**
 * Inference time per item of a feature model, from audio: feature extraction with the
 * model's extraction parameters plus one forward pass, one item at a time on this thread
 * (after one untimed warm-up). Wall-clock, so it goes to the run report, not metrics.json.
 */
const timeFeatureInference = (
  meta: ModelMeta,
  predict: (xs: ReadonlyArray<Float32Array>) => Float32Array[],
  dataset: Artifact,
  ids: ReadonlyArray<string>,
  count: number
): { items: number; ms_mean: number; ms_median: number; features_ms_mean: number } | undefined => {
  if (count === 0 || meta.features?.extraction === undefined || ids.length === 0) return undefined
  const wanted = new Set([...ids].sort().slice(0, count))
  const clips = decodeDataset(dataset).items.filter((i) => wanted.has(i.id) && !isPair(i))
  if (clips.length === 0) return undefined
  const first = clips[0]!
  if (isPair(first)) return undefined
  predict([featureInputFromAudio(toMono(first.audio), first.audio.sampleRate, meta.features)])
  const total: number[] = []
  const feats: number[] = []
  for (const clip of clips) {
    if (isPair(clip)) continue
    const t0 = performance.now()
    const x = featureInputFromAudio(toMono(clip.audio), clip.audio.sampleRate, meta.features)
    const t1 = performance.now()
    predict([x])
    const t2 = performance.now()
    total.push(t2 - t0)
    feats.push(t1 - t0)
  }
  const sorted = [...total].sort((a, b) => a - b)
  const r = (v: number) => Math.round(v * 100) / 100
  return { items: total.length, ms_mean: r(total.reduce((a, b) => a + b, 0) / total.length), ms_median: r(sorted[Math.floor(sorted.length / 2)]!), features_ms_mean: r(feats.reduce((a, b) => a + b, 0) / feats.length) }
}

const runEvaluate = async (params: EvaluateParams, inputs: Readonly<Record<string, Artifact>>, ctx: StageContext): Promise<Artifact> => {
  const model = decodeModelArtifact(inputs["model"]!)
  const { meta } = model
  const { items: all } = mlItems(inputs["dataset"]!)
  const items = testItems(all, params.split)
  if (items.length === 0) throw new DataError({ message: `no "${params.split}" items in the dataset (${all.length} items in other splits): check the dataset.split fractions or set split` })
  const predictor = await loadPredictor(model)
  if (predictor.tfjsBackend !== undefined) recordRunFact("tfjs_backend", predictor.tfjsBackend)
  const files: Array<readonly [string, Uint8Array]> = []
  try {
    const audio = meta.model_kind === "recurrent" || meta.model_kind === "convolutional"
    const metrics = audio
      ? await evaluateAudio(meta, predictor.processAudio, items, params, ctx, files)
      : modelDefinition(meta.uses).learns === "vectors"
        ? await evaluateVectors(meta, predictor.predictExamples, items, all.filter((i) => i.split === "train"), ctx)
        : modelDefinition(meta.uses).learns === "identity"
        ? await evaluateEmbedding(meta, predictor.predictExamples, items, all, inputs["features"], params, ctx, files)
        : await evaluateFeatures(meta, predictor.predictExamples, items, all.filter((i) => i.split === "train"), inputs["features"], inputs["dataset"]!, params, ctx, files)
    if (!audio) {
      const timing = timeFeatureInference(meta, predictor.predictExamples, inputs["dataset"]!, items.map((i) => i.id), params.timing)
      if (timing !== undefined) {
        ctx.log(`inference ${timing.ms_mean} ms per item (median ${timing.ms_median}; features ${timing.features_ms_mean} ms) on ${timing.items} item(s), one at a time, ${predictor.engine}`)
        ctx.report({ inference: { ...timing, engine: predictor.engine } })
      }
    }
    const split = all.some((i) => i.split !== undefined) ? params.split : "all"
    files.push(["metrics.json", jsonBytes({ model: meta.summary, uses: meta.uses, split, items: items.length, inference: predictor.engine, ...metrics })])
    return makeArtifact(METRICS, files)
  } finally {
    predictor.dispose()
  }
}

export const evaluateStage: StageDefinition<EvaluateParams> = {
  uses: "evaluate",
  // 3: parameter models report group MAE, accuracy, baselines; embedding models the tone match
  // 4: no average-preset resynthesis floor without training items
  // 5: model.wavenet and a causal model.tcn run through their streaming kernels, not tfjs
  // 6: effect models report esr_pooled and esr_mean (and esr_bypass_pooled / _mean) instead of
  // esr and esr_bypass (means over clips), overall and per bucket; |ΔLUFS| per bucket is absolute
  version: 6,
  description:
    "Evaluate a trained model on the test split: ESR pooled over the clips and as the mean over clips, ESR with pre-emphasis, L1, MR-STFT and loudness difference for effect models " +
    "(RNNs run through the fast typed-array kernels); for parameter models normalised MAE per parameter, per component group and overall, " +
    "categorical accuracy and inference ms per item; for embedding models tone-match top-1/top-5 by retrieval from a bank; optionally per bucket of labels; " +
    "writes metrics.json and example WAVs (input, target, prediction).",
  params: evaluateParams,
  inputs: {
    model: { kinds: [MODEL], description: "the trained model" },
    dataset: { kinds: [PAIRED_AUDIO_SET, AUDIO_SET], description: "items to evaluate (the test split, or all without splits)" },
    features: { kinds: [FEATURE_SET], optional: true, description: "features of the dataset's items (feature models)" }
  },
  output: METRICS,
  run: (params, inputs, ctx) => promiseStage(ctx, () => runEvaluate(params, inputs, ctx))
}

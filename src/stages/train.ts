import type { Artifact } from "../engine/artifact.js"
import { recordRunFact } from "../engine/run-facts.js"
import type { StageContext, StageDefinition } from "../engine/stage.js"
import type { AudioModel, ModelSpec } from "../ml/model.js"
import type { EpochReport, TrainData } from "../ml/train-loop.js"
import { FEATURE_SET } from "./artifacts/feature-set.js"
import { encodeModelArtifact } from "./artifacts/model-artifact.js"
import { targetWidth, type FeatureInputMeta, type LabelNorm, type ModelMeta } from "../ml/model-meta.js"
import { modelCatalog, modelDefinition } from "../ml/models/index.js"
import { PAIRED_AUDIO_SET } from "./artifacts/paired-audio-set.js"
import { AUDIO_SET } from "./artifacts/audio-set.js"
import { promiseStage } from "./stage-effect.js"
import { resolveLabelNorms } from "./train/label-norms.js"
import {
  conditionValues,
  featureInput,
  featureItemsById,
  fitFeatureInputs,
  mlItems,
  trainValItems,
  type MlItem
} from "./train/model-inputs.js"
import { trainParamsSchema, type TrainParams } from "./train/train-params.js"
import { identityPairs } from "./train/identity-pairs.js"
import { soundAttributes } from "./train/preset-attributes.js"
import { latentDirection } from "../ml/latent-directions.js"
import { decodeFeatureSet } from "./artifacts/feature-set.js"
import type { Tf } from "../ml/backend.js"
import type { FeatureItem } from "./artifacts/feature-set.js"
import { DataError } from "../errors/audioml-error.js"
import { stftMinLengths } from "../ml/losses/index.js"

/** Audio models (dry → wet) and feature models (features → labels), by the model's `uses`. */
const FEATURE_MODELS: Readonly<Record<string, "frames" | "pooled">> = { "model.param_regressor": "frames", "model.mlp": "pooled", "model.tone_embedding": "frames" }

const MAX_DEFAULT_SEGMENT = 8192

interface Prepared {
  /** Sound attributes of each training vector (model.vae_recommender), in the order of data.train.x. */
  readonly attributes?: ReadonlyArray<Readonly<Record<string, number>>>
  readonly data: TrainData
  readonly inputSize: number
  readonly frames?: number
  readonly condition: LabelNorm[]
  readonly targets: LabelNorm[]
  readonly features?: FeatureInputMeta
  readonly segment?: number
  readonly sampleRate: number
  readonly trainCount: number
  readonly valCount: number
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])

/** RMS of x in dBFS. */
const rmsDb = (x: Float32Array): number => {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!
  return 10 * Math.log10(s / Math.max(1, x.length) + 1e-20)
}

/**
 * Cut clips into whole segments (the training loop's unit). Every segment is kept: the
 * pooled ESR weighs a quiet window by its energy, so a note onset after silence trains like
 * any other. Only with `silenceDb` set (the opt-in `silence_db`) are segments with a target
 * below it in any loss window (each TBPTT chunk of a recurrent model, else the whole segment)
 * left out, as train ≤ 5 did by default.
 */
const segmentsOf = (
  items: ReadonlyArray<MlItem>,
  segment: number,
  windows: ReadonlyArray<readonly [number, number]>,
  condition: ReadonlyArray<LabelNorm>,
  silenceDb: number | undefined
) => {
  const input: Float32Array[] = []
  const target: Float32Array[] = []
  const cond: Float32Array[] = []
  let silent = 0
  for (const item of items) {
    const c = conditionValues(condition, item)
    for (let s = 0; s + segment <= item.input!.length; s += segment) {
      const t = item.target!.subarray(s, s + segment)
      if (silenceDb !== undefined && windows.some(([start, length]) => rmsDb(t.subarray(start, start + length)) < silenceDb)) {
        silent++
        continue
      }
      input.push(item.input!.subarray(s, s + segment))
      target.push(t)
      cond.push(c)
    }
  }
  return { data: { input, target, condition: cond }, silent }
}

const prepareAudio = (params: TrainParams, items: MlItem[], seed: number, ctx: StageContext): Prepared => {
  const { train, val, heldOutBy } = trainValItems(items, seed, params.val_fraction)
  const condition = resolveLabelNorms(stringList(params.model["condition"]), params.labels, train, "conditioning label")
  const shortest = Math.min(...[...train, ...val].map((i) => i.input!.length))
  const segment = params.segment ?? Math.min(shortest, MAX_DEFAULT_SEGMENT)
  const windows: Array<readonly [number, number]> = []
  // recurrent kinds train in TBPTT windows of each segment
  if (modelDefinition(params.model.uses).kind === "recurrent") {
    const { warmup, update_every: every } = params.tbptt
    for (let s = warmup; s + every <= segment; s += every) windows.push([s, every])
  }
  if (windows.length === 0) windows.push([0, segment])
  const t = segmentsOf(train, segment, windows, condition, params.silence_db)
  const v = segmentsOf(val, segment, windows, condition, params.silence_db)
  if (t.data.input.length === 0 || v.data.input.length === 0) {
    throw new DataError({ message: `${t.data.input.length} training and ${v.data.input.length} validation segments of ${segment} samples (clips of ${shortest}+ samples, ` +
        `${t.silent + v.silent} silent ones left out): lower segment${params.silence_db !== undefined ? " or silence_db" : ""}, or add clips` })
  }
  ctx.log(
    `${train.length} training and ${val.length} validation clips (${heldOutBy === "split" ? "the dataset's split" : "validation held out by hash"}) → ` +
      `${t.data.input.length} + ${v.data.input.length} segments of ${segment} samples${t.silent + v.silent > 0 ? ` (${t.silent + v.silent} silent left out)` : ""}`
  )
  return {
    data: { kind: "audio", train: t.data, validation: v.data },
    inputSize: 1 + condition.length,
    condition,
    targets: [],
    segment,
    sampleRate: items[0]!.sampleRate,
    trainCount: t.data.input.length,
    valCount: v.data.input.length
  }
}

const prepareFeatures = (params: TrainParams, items: MlItem[], features: Artifact, layout: "frames" | "pooled", seed: number, ctx: StageContext): Prepared => {
  const { set, byId } = featureItemsById(features, params.features.source, params.features.use)
  const withFeatures = items.filter((i) => byId.has(i.id))
  if (withFeatures.length < items.length) {
    const missing = items.filter((i) => !byId.has(i.id)).map((i) => i.id)
    throw new DataError({ message: `${missing.length} dataset item(s) have no features (e.g. "${missing[0]}"): connect the features of this dataset` })
  }
  const { train, val } = trainValItems(withFeatures, seed, params.val_fraction)
  const targets = resolveLabelNorms(stringList(params.model["targets"]), params.labels, train, "target", { classify: modelDefinition(params.model.uses).classifies === true })
  const fitted = fitFeatureInputs(
    train.map((i) => byId.get(i.id)!),
    { names: params.features.use, source: params.features.source, layout, ...(params.features.frames !== undefined ? { frames: params.features.frames } : {}) }
  )
  const meta = { ...fitted, extraction: set.params as Record<string, unknown> }
  if (modelDefinition(params.model.uses).learns === "identity") return prepareIdentityPairs(params, items, byId, meta, train, val, ctx)
  const examples = (set: MlItem[]) => ({
    x: set.map((i) => featureInput(byId.get(i.id)!, meta)),
    y: set.map((i) => conditionValues(targets, i)),
    xShape: layout === "frames" ? [meta.frames, meta.mean.length] : [meta.mean.length],
    yShape: [targets.length]
  })
  ctx.log(`${train.length} training and ${val.length} validation examples of ${meta.names.join(" + ")} (${layout === "frames" ? `${meta.frames} frames × ${meta.mean.length}` : `${meta.mean.length} pooled values`})`)
  return {
    data: { kind: "examples", train: examples(train), validation: examples(val) },
    inputSize: meta.mean.length,
    ...(layout === "frames" ? { frames: meta.frames } : {}),
    condition: [],
    targets,
    features: meta,
    sampleRate: items[0]!.sampleRate,
    trainCount: train.length,
    valCount: val.length
  }
}

/** Examples of an embedding model: (anchor, positive) feature pairs of the same identity, the identity as the target. */
const prepareIdentityPairs = (
  params: TrainParams,
  items: MlItem[],
  byId: ReadonlyMap<string, FeatureItem>,
  meta: FeatureInputMeta,
  train: MlItem[],
  val: MlItem[],
  ctx: StageContext
): Prepared => {
  const identity = String(params.model["identity"] ?? "synth.preset_key")
  const examples = (set: MlItem[], what: string) => {
    const { pairs, ids, identities } = identityPairs(set, identity)
    if (identities < 2) throw new DataError({ message: `${params.model.uses}: the ${what} items hold ${identities} identit${identities === 1 ? "y" : "ies"} with two or more clips (label "${identity}"); render each tone at two or more notes or velocities` })
    const size = meta.frames * meta.mean.length
    const x = pairs.map(([a, b]) => {
      const v = new Float32Array(2 * size)
      v.set(featureInput(byId.get(a.id)!, meta), 0)
      v.set(featureInput(byId.get(b.id)!, meta), size)
      return v
    })
    return { data: { x, y: ids.map((i) => Float32Array.of(i)), xShape: [2, meta.frames, meta.mean.length], yShape: [1] }, identities }
  }
  const t = examples(train, "training")
  const v = examples(val, "validation")
  ctx.log(`${t.data.x.length} training pairs of ${t.identities} tones and ${v.data.x.length} validation pairs of ${v.identities} (same "${identity}"), ${meta.frames} frames × ${meta.mean.length}`)
  return {
    data: { kind: "examples", train: t.data, validation: v.data },
    inputSize: meta.mean.length,
    frames: meta.frames,
    condition: [],
    targets: [],
    features: meta,
    sampleRate: items[0]!.sampleRate,
    trainCount: t.data.x.length,
    valCount: v.data.x.length
  }
}

/**
 * Examples of a vector autoencoder (model.vae_recommender): the normalised `targets` of each
 * distinct training preset (items with equal vectors, e.g. one preset at several notes,
 * count once); x = y. With features connected, each vector's sound attributes (the mean over
 * its items) for the latent directions.
 */
const prepareVectors = (params: TrainParams, items: MlItem[], features: Artifact | undefined, seed: number, ctx: StageContext): Prepared => {
  const { train, val } = trainValItems(items, seed, params.val_fraction)
  const targets = resolveLabelNorms(stringList(params.model["targets"]), params.labels, train, "target")
  const byId = features !== undefined ? featureItemsById(features, "audio").byId : undefined
  const melIsDb = features !== undefined && (decodeFeatureSet(features).params as { mel?: { log?: boolean } }).mel?.log === true
  const distinct = (set: MlItem[]) => {
    const groups = new Map<string, { v: Float32Array; attrs: Array<Record<string, number>> }>()
    for (const item of set) {
      const v = conditionValues(targets, item)
      const key = Array.from(v).join(",")
      let g = groups.get(key)
      if (g === undefined) groups.set(key, (g = { v, attrs: [] }))
      const f = byId?.get(item.id)
      if (f !== undefined) g.attrs.push(soundAttributes(f, melIsDb))
    }
    return [...groups.values()]
  }
  const t = distinct(train)
  const v = distinct(val)
  if (t.length < 2 || v.length < 1) throw new DataError({ message: `${params.model.uses}: ${t.length} distinct training and ${v.length} validation preset vectors; need at least 2 and 1` })
  const meanAttrs = (attrs: ReadonlyArray<Record<string, number>>): Record<string, number> => {
    const out: Record<string, number> = {}
    for (const name of Object.keys(attrs[0] ?? {})) out[name] = attrs.reduce((s, a) => s + (a[name] ?? 0), 0) / attrs.length
    return out
  }
  const data = (g: typeof t) => ({ x: g.map((e) => e.v), y: g.map((e) => e.v), xShape: [targets.length], yShape: [targets.length] })
  ctx.log(`${t.length} training and ${v.length} validation preset vectors of ${targets.length} parameters${byId !== undefined ? " (with sound attributes from the features)" : ""}`)
  return {
    data: { kind: "examples", train: data(t), validation: data(v) },
    inputSize: targets.length,
    condition: [],
    targets,
    ...(byId !== undefined ? { attributes: t.map((e) => meanAttrs(e.attrs)) } : {}),
    sampleRate: items[0]!.sampleRate,
    trainCount: t.length,
    valCount: v.length
  }
}

/** Latent directions of the training vectors' attributes, from the trained model's latent means. */
const attributeDirections = (tf: Tf, model: AudioModel, prepared: Prepared): ModelMeta["directions"] => {
  if (prepared.attributes === undefined || prepared.data.kind !== "examples") return undefined
  const xs = prepared.data.train.x
  const k = prepared.targets.length
  const latent = (model.outputSize - k) / 2
  const flat = new Float32Array(xs.length * k)
  xs.forEach((x, i) => flat.set(x, i * k))
  const out = tf.tidy(() => model.apply(tf.tensor2d(flat, [xs.length, k])).y.dataSync() as Float32Array)
  const width = k + 2 * latent
  const mus = xs.map((_, i) => out.subarray(i * width + k, i * width + k + latent))
  const names = [...new Set(prepared.attributes.flatMap((a) => Object.keys(a)))].sort()
  const directions: Record<string, { vector: ReadonlyArray<number>; per_std: number }> = {}
  for (const name of names) {
    const keep = prepared.attributes.map((a, i) => [a[name], i] as const).filter((p): p is readonly [number, number] => p[0] !== undefined && Number.isFinite(p[0]))
    const d = latentDirection(keep.map(([, i]) => mus[i]!), keep.map(([v]) => v))
    if (d !== undefined) directions[name] = { vector: d.vector.map((x) => Math.round(x * 1e6) / 1e6), per_std: Math.round(d.per_std * 1e6) / 1e6 }
  }
  return directions
}

// no wall-clock time in the artifact: the same config must give the same bytes (timings go to the report)
const historyRecord = (r: EpochReport) => ({
  epoch: r.epoch,
  train_loss: r.trainLoss,
  val_loss: Number.isFinite(r.valLoss) ? r.valLoss : null,
  lr: r.lr
})

const parameterCount = (model: AudioModel): number => [...model.variables.values()].reduce((n, v) => n + v.size, 0)

const runTrain = async (params: TrainParams, inputs: Readonly<Record<string, Artifact>>, ctx: StageContext): Promise<Artifact> => {
  const uses = params.model.uses
  const layout = FEATURE_MODELS[uses]
  const { items, paired } = mlItems(inputs["dataset"]!)
  if (items.length === 0) throw new DataError({ message: "the dataset is empty" })
  let prepared: Prepared
  if (modelDefinition(uses).learns === "vectors") {
    prepared = prepareVectors(params, items, inputs["features"], ctx.seed, ctx)
  } else if (layout !== undefined) {
    const features = inputs["features"]
    if (features === undefined) throw new DataError({ message: `${uses} learns from features: connect a FeatureSet, from = { dataset = "...", features = "..." }` })
    prepared = prepareFeatures(params, items, features, layout, ctx.seed, ctx)
  } else {
    if (!paired) throw new DataError({ message: `${uses} learns dry → wet audio: the dataset must be a PairedAudioSet (an effects.chain or source.pairs output)` })
    prepared = prepareAudio(params, items, ctx.seed, ctx)
  }

  // tfjs only now: plan, validate and cached reruns never load it.
  const { loadBackend } = await import("../ml/backend.js")
  const { buildModel } = await import("../ml/models/index.js")
  const { buildLoss } = await import("../ml/losses/index.js")
  const { train } = await import("../ml/train-loop.js")
  const { serializeModel } = await import("../ml/model-files.js")
  const backend = await loadBackend()
  recordRunFact("tfjs_backend", backend.name)
  const { tf } = backend

  const { uses: _uses, ...configParams } = params.model
  const newModelParams = modelDefinition(uses).newModelParams
  const modelParams = newModelParams !== undefined ? newModelParams(configParams) : configParams
  const spec: ModelSpec = {
    uses,
    params: modelParams,
    inputSize: prepared.inputSize,
    ...(prepared.frames !== undefined ? { frames: prepared.frames } : {}),
    ...(prepared.targets.some((t) => t.classes !== undefined) ? { outputs: prepared.targets.map(targetWidth) } : {}),
    sampleRate: prepared.sampleRate,
    seed: ctx.seed
  }
  const model = buildModel(tf, spec)
  const loss = buildLoss(tf, params.loss, {
    sampleRate: prepared.sampleRate,
    targets: prepared.targets.map((t) => t.name),
    targetWidths: prepared.targets.map(targetWidth),
    targetGroups: prepared.targets.map((t) => t.group)
  })
  try {
    const resume = await ctx.checkpoint.load()
    ctx.log(`${model.summary}; ${parameterCount(model)} weights; loss ${loss.name}; ${backend.name} backend${resume !== undefined ? "; resuming from a checkpoint" : ""}`)
    // progress counts batches (epochs × batches per epoch, known after the first batch), so
    // a long epoch does not sit silent on a terminal; the status names the epoch and the loss
    let progressTotal = 0
    // "ESR" when the loss is loss.esr alone, so the epoch lines read on NAM's scale
    const lossWord = loss.name === "loss.esr" ? "ESR" : "loss"
    const epochStatus = (epoch: number, loss: string) => `epoch ${epoch}/${params.epochs} ${loss}`
    const result = await train(tf, {
      model,
      loss,
      data: prepared.data,
      optimizer: { lr: params.optimizer.lr, weight_decay: params.optimizer.weight_decay },
      batch: params.batch,
      epochs: params.epochs,
      ...(prepared.segment !== undefined ? { segment: prepared.segment } : {}),
      ...(params.lr_schedule.uses === "plateau"
        ? { lrSchedule: { factor: params.lr_schedule.factor, patience: params.lr_schedule.patience, minLr: params.lr_schedule.min_lr } }
        : params.lr_schedule.uses === "cosine"
          ? { lrSchedule: { uses: "cosine" as const, warmupEpochs: params.lr_schedule.warmup_epochs, minLr: params.lr_schedule.min_lr } }
          : {}),
      ...(params.clip_grad_norm !== undefined ? { clipGradNorm: params.clip_grad_norm } : {}),
      ...(params.early_stopping.patience > 0 ? { earlyStopping: { patience: params.early_stopping.patience } } : {}),
      tbptt: { warmup: params.tbptt.warmup, updateEvery: params.tbptt.update_every },
      seed: ctx.seed,
      onStep: (r) => {
        if (progressTotal !== params.epochs * r.stepsPerEpoch) {
          progressTotal = params.epochs * r.stepsPerEpoch
          ctx.progress.start(progressTotal, "batches")
        }
        ctx.progress.update((r.epoch - 1) * r.stepsPerEpoch + r.step, epochStatus(r.epoch, `batch loss ${r.loss.toPrecision(4)}`))
      },
      onEpoch: (r) => {
        ctx.progress.update(
          Math.round((r.epoch / params.epochs) * progressTotal),
          epochStatus(r.epoch, `loss ${r.trainLoss.toPrecision(4)}${Number.isFinite(r.valLoss) ? ` val ${r.valLoss.toPrecision(4)}` : ""}`)
        )
        // one line per epoch that stays on screen (the bar's status is overwritten by the next batch)
        const val = Number.isFinite(r.valLoss) ? `, val ${lossWord} ${r.valLoss.toPrecision(4)}${r.best === true ? " (best)" : ""}` : ""
        ctx.log(`epoch ${r.epoch}/${params.epochs}: train ${lossWord} ${r.trainLoss.toPrecision(4)}${val}, lr ${r.lr.toPrecision(3)}, ${r.seconds.toFixed(1)} s`)
      },
      checkpoint: (epoch, files) => ctx.checkpoint.save(files, { unit: "epoch", count: epoch }),
      checkpointEvery: params.checkpoint_every,
      valEvery: params.val_every,
      ...(resume !== undefined ? { resume } : {})
    })
    // not in the artifact: a resumed run must give the same bytes as an uninterrupted one (the manifest records the resume)
    if (result.resumedFrom > 0) ctx.log(`resumed after epoch ${result.resumedFrom}`)
    const files = await serializeModel(tf, model)
    const rf = model.receptiveField
    const meta: ModelMeta = {
      kind: "Model",
      uses,
      params: modelParams,
      model_kind: model.kind,
      summary: model.summary,
      sample_rate: prepared.sampleRate,
      receptive_field: rf !== undefined ? { samples: rf, ms: Math.round((rf / prepared.sampleRate) * 1e5) / 100 } : null,
      backend: backend.name,
      parameters: parameterCount(model),
      condition: prepared.condition,
      targets: prepared.targets,
      ...(prepared.features !== undefined ? { features: prepared.features } : {}),
      ...(modelDefinition(uses).learns === "vectors" ? { directions: attributeDirections(tf, model, prepared) ?? {} } : {}),
      loss: loss.name,
      training: {
        epochs: result.history.length,
        best_epoch: result.bestEpoch,
        best_val_loss: result.bestValLoss,
        stopped_early: result.stoppedEarly,
        train_examples: prepared.trainCount,
        val_examples: prepared.valCount,
        ...(prepared.segment !== undefined ? { segment: prepared.segment } : {})
      },
      history: result.history.map(historyRecord)
    }
    ctx.log(`best validation loss ${result.bestValLoss.toPrecision(4)} at epoch ${result.bestEpoch} of ${result.history.length}`)
    ctx.report({ model: model.summary, backend: backend.name, resumed_from_epoch: result.resumedFrom, best_epoch: result.bestEpoch, best_val_loss: result.bestValLoss, history: meta.history, epoch_seconds: result.history.map((r) => Math.round(r.seconds * 1000) / 1000) })
    return encodeModelArtifact({ files, meta })
  } finally {
    loss.dispose()
    model.dispose()
  }
}

export const trainStage: StageDefinition<TrainParams> = {
  uses: "train",
  // 6: loss.esr pools over the batch and window by default (reduction = "mean" keeps the old ratio);
  // no segment is dropped for silence unless silence_db is set
  // 5: model.rnn GRUs are the reset-after cell (PyTorch's, RTNeural's) unless gru_cell = "reset_before";
  // the meta records gru_cell for GRUs
  // 4: LSTM layers train through the WebAssembly SIMD passes (f32, both cores): weights differ
  // from the TypeScript passes' in the last digits
  // 3: categorical targets (classes), target groups, and the feature extraction params in the meta
  // 2: label ranges default to an applied effect's schema range; meta.training no longer records resumed_from
  // (a resumed model is byte-identical to an uninterrupted one; the manifest records the resume)
  version: 6,
  description:
    "Train a model (tfjs): dry → wet audio models (model.rnn, model.tcn, model.wavenet) on a PairedAudioSet's train/val split, " +
    "or feature models (model.param_regressor, model.mlp) on a FeatureSet predicting labels (enum synth parameters classified), " +
    "model.tone_embedding on same-tone pairs (loss.triplet), model.vae_recommender on preset parameter vectors; Adam, gradient-norm clipping, plateau or cosine schedule, " +
    "early stopping, the best-on-validation weights kept, TBPTT, checkpoints and resume. Deterministic on the cpu backend.",
  params: trainParamsSchema,
  // the runtime checks of runTrain, made before anything runs
  checkConfig: (params, kinds) => {
    const uses = params.model?.uses
    if (typeof uses !== "string") return []
    if (modelCatalog.get(uses)?.kind === "recurrent" && params.loss !== undefined) {
      // each loss term of a recurrent model sees one TBPTT chunk
      const chunk = params.tbptt?.update_every ?? 200
      const short = stftMinLengths(params.loss).filter((t) => chunk < t.min)
      if (short.length > 0) {
        return short.map((t) => ({
          path: `loss${t.index !== undefined ? `[${t.index}]` : ""}.${t.key}`,
          message: `${t.uses} needs windows of ${t.min}+ samples, but ${uses} computes the loss on TBPTT chunks of tbptt.update_every = ${chunk}: lower ${t.key} or raise tbptt.update_every`
        }))
      }
    }
    if (modelCatalog.get(uses)?.learns === "vectors") return []
    if (FEATURE_MODELS[uses] !== undefined)
      return kinds["features"] === undefined && kinds["dataset"] !== undefined
        ? [{ path: "from", message: `${uses} learns from features: connect a FeatureSet, from = { dataset = "...", features = "..." }` }]
        : []
    return kinds["dataset"] === AUDIO_SET
      ? [{ path: "from", message: `${uses} learns dry → wet audio: the dataset must be a PairedAudioSet (an effects.chain or source.pairs output), got an AudioSet` }]
      : []
  },
  inputs: {
    dataset: { kinds: [PAIRED_AUDIO_SET, AUDIO_SET], description: "items, labels and the train/val split (pairs for audio models)" },
    features: { kinds: [FEATURE_SET], optional: true, description: "features of the dataset's items (feature models)" }
  },
  output: "Model",
  run: (params, inputs, ctx) => promiseStage(ctx, () => runTrain(params, inputs, ctx))
}

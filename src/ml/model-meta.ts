/**
 * model-meta.json: what is needed to use a trained model besides its weights — params,
 * conditioning labels and their normalisation ranges, sample rate, receptive field, backend
 * and training history. Written by the `train` stage next to model.json + weights.bin
 * (model-files.ts); read by `evaluate`, `audioml process` and the predictor.
 */
import { DataError } from "../errors/audioml-error.js"

/** The name of the metadata file in a model folder. */
export const MODEL_META = "model-meta.json"

/**
 * How a label becomes one model input or output value: read item label `from`, map strings
 * through `map`, then normalise `range` to [0, 1].
 */
export interface LabelNorm {
  readonly name: string
  readonly from: string
  readonly map?: Readonly<Record<string, number>>
  readonly range: readonly [number, number]
  /**
   * Number of classes of a categorical target (an enum: waveform, filter type): the model
   * classifies it (softmax over `classes` logits) instead of regressing it, and class c
   * is the normalised value c / (classes − 1). Absent: a continuous target.
   */
  readonly classes?: number
  /** Component group of the target ("oscillators", "filter", …) for group metrics and loss weights. */
  readonly group?: string
}

/** Model outputs per target: `classes` logits for a categorical target, one value otherwise. */
export const targetWidth = (norm: Pick<LabelNorm, "classes">): number => (norm.classes !== undefined && norm.classes > 1 ? norm.classes : 1)

/** Total output width of a model predicting `targets`. */
export const outputWidth = (targets: ReadonlyArray<Pick<LabelNorm, "classes">>): number => targets.reduce((n, t) => n + targetWidth(t), 0)

/**
 * One raw model output row → the normalised value of each target: a continuous target's
 * value as it is, a categorical one's most likely class c as c / (classes − 1).
 */
export const decodeTargetOutputs = (targets: ReadonlyArray<Pick<LabelNorm, "classes">>, row: ArrayLike<number>): Float32Array => {
  const out = new Float32Array(targets.length)
  let o = 0
  targets.forEach((t, k) => {
    const w = targetWidth(t)
    if (w === 1) out[k] = row[o]!
    else {
      let best = 0
      for (let c = 1; c < w; c++) if (row[o + c]! > row[o + best]!) best = c
      out[k] = best / (w - 1)
    }
    o += w
  })
  return out
}

/** How FeatureSet matrices become model inputs (feature models only). */
export interface FeatureInputMeta {
  readonly names: ReadonlyArray<string>
  readonly source: "audio" | "input" | "target"
  /** "frames": [frames, dims] (model.param_regressor); "pooled": per-dim mean and std over frames (model.mlp). */
  readonly layout: "frames" | "pooled"
  readonly frames: number
  /** Per input dimension standardisation from the training items. */
  readonly mean: ReadonlyArray<number>
  readonly std: ReadonlyArray<number>
  /**
   * The feature extraction parameters of the FeatureSet the model learned from (every
   * default filled in), so features of a new audio file can be computed the same way
   * (`audioml predict`, inference timing in `evaluate`).
   */
  readonly extraction?: Readonly<Record<string, unknown>>
}

/** One epoch of the training history: losses and the learning rate. */
export interface EpochRecord {
  readonly epoch: number
  readonly train_loss: number
  readonly val_loss: number | null
  readonly lr: number
}

/** The content of model-meta.json. */
export interface ModelMeta {
  readonly kind: "Model"
  readonly uses: string
  readonly params: Readonly<Record<string, unknown>>
  readonly model_kind: "recurrent" | "convolutional" | "frames" | "vector"
  readonly summary: string
  readonly sample_rate: number
  /** Left context in samples an output sample depends on; null for recurrent (unbounded) and frame models. */
  readonly receptive_field: { readonly samples: number; readonly ms: number } | null
  readonly backend: string
  readonly parameters: number
  readonly condition: ReadonlyArray<LabelNorm>
  readonly targets: ReadonlyArray<LabelNorm>
  readonly features?: FeatureInputMeta
  /**
   * model.vae_recommender: latent directions of sound attributes ("brighter", "louder",
   * "longer"), from the training presets' renders (see ml/latent-directions.ts).
   */
  readonly directions?: Readonly<Record<string, { readonly vector: ReadonlyArray<number>; readonly per_std: number }>>
  readonly loss: string
  readonly training: {
    readonly epochs: number
    readonly best_epoch: number
    readonly best_val_loss: number
    readonly stopped_early: boolean
    readonly train_examples: number
    readonly val_examples: number
    readonly segment?: number
  }
  readonly history: ReadonlyArray<EpochRecord>
}

/** A trained model in memory: its files (model.json, weights.bin) and its metadata. */
export interface ModelArtifact {
  /** model.json and weights.bin, as loadModel/decodeWeights take them. */
  readonly files: ReadonlyMap<string, Uint8Array>
  readonly meta: ModelMeta
}

/** A label value mapped to [0, 1] with its range (values outside the range extrapolate). */
export const normaliseLabel = (norm: LabelNorm, value: number): number => {
  const [lo, hi] = norm.range
  return hi > lo ? (value - lo) / (hi - lo) : 0
}

/** The inverse of {@link normaliseLabel}: a [0, 1] model value back in the label's unit. */
export const denormaliseLabel = (norm: LabelNorm, value: number): number => {
  const [lo, hi] = norm.range
  return lo + value * (hi - lo)
}

/**
 * The numeric value of a label from an item's labels: numbers as they are, booleans 0/1,
 * strings through `map`. Throws a DataError naming the label when it is absent or cannot be mapped.
 */
export const labelValue = (norm: Omit<LabelNorm, "range">, labels: Readonly<Record<string, unknown>>, itemId: string): number => {
  const raw = labels[norm.from]
  if (raw === undefined) {
    const known = Object.keys(labels).sort()
    throw new DataError({
      message: `label "${norm.from}"${norm.from !== norm.name ? ` (for "${norm.name}")` : ""} is missing from item "${itemId}" (its labels: ${known.join(", ") || "none"})`
    })
  }
  if (typeof raw === "number") return raw
  if (typeof raw === "boolean") return raw ? 1 : 0
  const mapped = norm.map?.[String(raw)]
  if (mapped === undefined) {
    throw new DataError({
      message: `label "${norm.from}" of item "${itemId}" is "${String(raw)}", not a number: give labels.${norm.name}.map = { ${JSON.stringify(String(raw))} = <number>, ... }`
    })
  }
  return mapped
}

import { jsonBytes, makeArtifact, readJsonFile, type Artifact } from "../../engine/artifact.js"

/**
 * Model: a trained model in tfjs's own format plus what is needed to use it.
 *
 * Files:
 *   model.json       tfjs model artifacts (modelTopology, weightsManifest, userDefinedMetadata)
 *   weights.bin      the weights, tfjs's binary encoding (little-endian float32)
 *   model-meta.json  ModelMeta below: params, conditioning labels and their normalisation
 *                    ranges, sample rate, receptive field, backend, training history
 * model.rnn's model.json also loads with tf.loadLayersModel (a plain LayersModel).
 */
export const MODEL = "Model"
export const MODEL_JSON = "model.json"
export const WEIGHTS_BIN = "weights.bin"
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
}

export interface EpochRecord {
  readonly epoch: number
  readonly train_loss: number
  readonly val_loss: number | null
  readonly lr: number
}

export interface ModelMeta {
  readonly kind: typeof MODEL
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

export interface ModelArtifact {
  /** model.json and weights.bin, as loadModel/decodeWeights take them. */
  readonly files: ReadonlyMap<string, Uint8Array>
  readonly meta: ModelMeta
}

export const encodeModelArtifact = (model: ModelArtifact): Artifact =>
  makeArtifact(MODEL, [...model.files, [MODEL_META, jsonBytes(model.meta)] as const])

export const decodeModelArtifact = (artifact: Artifact): ModelArtifact => {
  if (artifact.kind !== MODEL) throw new Error(`expected a ${MODEL} artifact, got a ${artifact.kind}`)
  const meta = readJsonFile<ModelMeta>(artifact, MODEL_META)
  const files = new Map<string, Uint8Array>()
  for (const name of [MODEL_JSON, WEIGHTS_BIN]) {
    const bytes = artifact.files.get(name)
    if (bytes === undefined) throw new Error(`the ${MODEL} artifact has no ${name}`)
    files.set(name, bytes)
  }
  return { files, meta }
}

/** A label value mapped to [0, 1] with its range (values outside the range extrapolate). */
export const normaliseLabel = (norm: LabelNorm, value: number): number => {
  const [lo, hi] = norm.range
  return hi > lo ? (value - lo) / (hi - lo) : 0
}

export const denormaliseLabel = (norm: LabelNorm, value: number): number => {
  const [lo, hi] = norm.range
  return lo + value * (hi - lo)
}

/**
 * The numeric value of a label from an item's labels: numbers as they are, booleans 0/1,
 * strings through `map`. Throws naming the label when it is absent or cannot be mapped.
 */
export const labelValue = (norm: Omit<LabelNorm, "range">, labels: Readonly<Record<string, unknown>>, itemId: string): number => {
  const raw = labels[norm.from]
  if (raw === undefined) {
    const known = Object.keys(labels).sort()
    throw new Error(
      `label "${norm.from}"${norm.from !== norm.name ? ` (for "${norm.name}")` : ""} is missing from item "${itemId}" (its labels: ${known.join(", ") || "none"})`
    )
  }
  if (typeof raw === "number") return raw
  if (typeof raw === "boolean") return raw ? 1 : 0
  const mapped = norm.map?.[String(raw)]
  if (mapped === undefined) {
    throw new Error(
      `label "${norm.from}" of item "${itemId}" is "${String(raw)}", not a number: give labels.${norm.name}.map = { ${JSON.stringify(String(raw))} = <number>, ... }`
    )
  }
  return mapped
}

/**
 * Little-endian float32 weights by name from model.json + weights.bin, without tfjs: the
 * fast RNN kernels and `audioml process` read a trained model.rnn this way.
 */
export const decodeFloat32Weights = (files: ReadonlyMap<string, Uint8Array>): Map<string, Float32Array> => {
  const json = JSON.parse(new TextDecoder().decode(files.get(MODEL_JSON) ?? new Uint8Array())) as {
    weightsManifest?: Array<{ weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }> }>
  }
  const bin = files.get(WEIGHTS_BIN)
  if (bin === undefined) throw new Error(`the model has no ${WEIGHTS_BIN}`)
  const out = new Map<string, Float32Array>()
  let offset = 0
  for (const spec of (json.weightsManifest ?? []).flatMap((g) => g.weights)) {
    if (spec.dtype !== "float32" || spec.quantization !== undefined) throw new Error(`weight "${spec.name}" is ${spec.dtype}${spec.quantization !== undefined ? " (quantized)" : ""}; expected float32`)
    const count = spec.shape.reduce((a, b) => a * b, 1)
    if (offset + count * 4 > bin.byteLength) throw new Error(`${WEIGHTS_BIN} is shorter than its manifest (at "${spec.name}")`)
    const values = new Float32Array(count)
    new Uint8Array(values.buffer).set(bin.subarray(offset, offset + count * 4))
    out.set(spec.name, values)
    offset += count * 4
  }
  return out
}

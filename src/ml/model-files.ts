/**
 * Models as files in tfjs's own format, in memory (no file system): `model.json` (the
 * tfjs model-artifacts JSON: modelTopology, weightsManifest, userDefinedMetadata) and
 * `weights.bin`. A model kind may write its own model.json content (model.rnn writes a real
 * tfjs LayersModel, see models/rnn.ts); the others store their weights with tfjs's weight
 * encoding and `modelTopology: null`. Every model.json
 * carries the audioml ModelSpec under userDefinedMetadata.audioml, which `loadModel` uses
 * to rebuild the model before assigning the weights by name.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "./backend.js"
import { type AudioModel, type ModelSpec } from "./model.js"
import type { SavedArtifacts } from "./model-definition.js"
import { buildModel, modelDefinition } from "./models/index.js"
import { ModelError } from "../errors/audioml-error.js"

/** The tfjs model-artifacts JSON of a model folder. */
export const MODEL_JSON = "model.json"
/** The weights of a model folder: tfjs's binary encoding (little-endian float32). */
export const WEIGHTS_BIN = "weights.bin"

const utf8 = new TextEncoder()

const metadata = (model: AudioModel) => ({
  audioml: {
    spec: model.spec,
    kind: model.kind,
    summary: model.summary,
    ...(model.receptiveField !== undefined ? { receptiveField: model.receptiveField } : {})
  }
})

const toBytes = (data: ArrayBuffer | ArrayBuffer[]): Uint8Array => {
  const parts = Array.isArray(data) ? data : [data]
  const total = parts.reduce((n, p) => n + p.byteLength, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(new Uint8Array(p), offset)
    offset += p.byteLength
  }
  return out
}

/** model.json + weights.bin as bytes; what goes into model.json is up to the model's kind (its `saveArtifacts`). */
export const serializeModel = async (tf: Tf, model: AudioModel): Promise<Map<string, Uint8Array>> => {
  const definition = modelDefinition(model.spec.uses)
  let saved: SavedArtifacts
  if (definition.saveArtifacts !== undefined) saved = await definition.saveArtifacts(tf, model, metadata(model))
  else {
    const named: tfTypes.NamedTensorMap = {}
    for (const [name, v] of model.variables) named[name] = v
    const { data, specs } = await tf.io.encodeWeights(named)
    saved = { format: "audioml-model", artifacts: { modelTopology: undefined, weightSpecs: specs, weightData: data, userDefinedMetadata: metadata(model) } }
  }
  const { format, artifacts } = saved
  const json = {
    format,
    generatedBy: "audioml",
    convertedBy: null,
    modelTopology: artifacts.modelTopology ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    userDefinedMetadata: artifacts.userDefinedMetadata
  }
  return new Map([
    [MODEL_JSON, utf8.encode(JSON.stringify(json))],
    [WEIGHTS_BIN, toBytes(artifacts.weightData as ArrayBuffer | ArrayBuffer[])]
  ])
}

/** Named weight arrays decoded from model files (no model built). */
export const decodeWeights = (tf: Tf, files: ReadonlyMap<string, Uint8Array>): { spec: ModelSpec; weights: Map<string, Float32Array> } => {
  const jsonBytes = files.get(MODEL_JSON)
  const bin = files.get(WEIGHTS_BIN)
  if (jsonBytes === undefined || bin === undefined) throw new ModelError({ message: `a model needs ${MODEL_JSON} and ${WEIGHTS_BIN}; found ${[...files.keys()].join(", ") || "nothing"}` })
  let json: { weightsManifest?: Array<{ weights: tfTypes.io.WeightsManifestEntry[] }>; userDefinedMetadata?: { audioml?: { spec?: ModelSpec } } }
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes))
  } catch (e) {
    throw new ModelError({ message: `${MODEL_JSON} is not valid JSON: ${(e as Error).message}` })
  }
  const spec = json.userDefinedMetadata?.audioml?.spec
  if (spec === undefined) throw new ModelError({ message: `${MODEL_JSON} has no userDefinedMetadata.audioml.spec: not an audioml model` })
  const specs = (json.weightsManifest ?? []).flatMap((g) => g.weights)
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer
  const tensors = tf.io.decodeWeights(buffer, specs)
  const weights = new Map<string, Float32Array>()
  for (const [name, t] of Object.entries(tensors)) {
    weights.set(name, t.dataSync() as Float32Array)
    t.dispose()
  }
  return { spec, weights }
}

/** Assign named weight arrays to a built model's variables (every variable must be present). */
export const assignWeights = (tf: Tf, model: AudioModel, weights: ReadonlyMap<string, Float32Array>): void => {
  for (const [name, v] of model.variables) {
    const values = weights.get(name)
    if (values === undefined) throw new ModelError({ message: `weights for "${name}" are missing from the model files` })
    if (values.length !== v.size) throw new ModelError({ message: `weights for "${name}" have ${values.length} values, the model expects ${v.size}` })
    const t = tf.tensor(values, v.shape, "float32")
    v.assign(t)
    t.dispose()
  }
}

/** Rebuild a model from its files. */
export const loadModel = (tf: Tf, files: ReadonlyMap<string, Uint8Array>): AudioModel => {
  const { spec, weights } = decodeWeights(tf, files)
  const model = buildModel(tf, spec)
  assignWeights(tf, model, weights)
  return model
}

/**
 * Little-endian float32 weights by name from model.json + weights.bin, without tfjs: the
 * fast kernels and `audioml process` read a trained model this way.
 */
export const decodeFloat32Weights = (files: ReadonlyMap<string, Uint8Array>): Map<string, Float32Array> => {
  let json: { weightsManifest?: Array<{ weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }> }> }
  try {
    json = JSON.parse(new TextDecoder().decode(files.get(MODEL_JSON) ?? new Uint8Array()))
  } catch (e) {
    throw new ModelError({ message: `${MODEL_JSON} is not valid JSON: ${(e as Error).message}` })
  }
  const bin = files.get(WEIGHTS_BIN)
  if (bin === undefined) throw new ModelError({ message: `the model has no ${WEIGHTS_BIN}` })
  const out = new Map<string, Float32Array>()
  let offset = 0
  for (const spec of (json.weightsManifest ?? []).flatMap((g) => g.weights)) {
    if (spec.dtype !== "float32" || spec.quantization !== undefined) {
      throw new ModelError({ message: `weight "${spec.name}" is ${spec.dtype}${spec.quantization !== undefined ? " (quantized)" : ""}; expected float32` })
    }
    const count = spec.shape.reduce((a, b) => a * b, 1)
    if (offset + count * 4 > bin.byteLength) throw new ModelError({ message: `${WEIGHTS_BIN} is shorter than its manifest (at "${spec.name}")` })
    const values = new Float32Array(count)
    new Uint8Array(values.buffer).set(bin.subarray(offset, offset + count * 4))
    out.set(spec.name, values)
    offset += count * 4
  }
  return out
}

/**
 * Models as files in tfjs's own format, in memory (no file system): `model.json` (the
 * tfjs model-artifacts JSON: modelTopology, weightsManifest, userDefinedMetadata) and
 * `weights.bin`. model.rnn is saved through tfjs's LayersModel.save with a custom
 * IOHandler, so its model.json also loads with tf.loadLayersModel; the other models store
 * their weights with tfjs's weight encoding and `modelTopology: null`. Every model.json
 * carries the audioml ModelSpec under userDefinedMetadata.audioml, which `loadModel` uses
 * to rebuild the model before assigning the weights by name.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "./backend.js"
import { type AudioModel, type ModelSpec, ModelError } from "./model.js"
import { buildModel } from "./models/index.js"
import { rnnLayersModel } from "./models/rnn.js"

export const MODEL_JSON = "model.json"
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

/** model.json + weights.bin as bytes. */
export const serializeModel = async (tf: Tf, model: AudioModel): Promise<Map<string, Uint8Array>> => {
  let artifacts: tfTypes.io.ModelArtifacts
  if (model.spec.uses === "model.rnn") {
    let captured: tfTypes.io.ModelArtifacts | undefined
    const handler: tfTypes.io.IOHandler = {
      save: async (a) => {
        captured = a
        return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } }
      }
    }
    const layers = rnnLayersModel(model)
    layers.setUserDefinedMetadata(metadata(model))
    await layers.save(handler)
    artifacts = captured!
  } else {
    const named: tfTypes.NamedTensorMap = {}
    for (const [name, v] of model.variables) named[name] = v
    const { data, specs } = await tf.io.encodeWeights(named)
    artifacts = { modelTopology: undefined, weightSpecs: specs, weightData: data, userDefinedMetadata: metadata(model) }
  }
  const json = {
    format: model.spec.uses === "model.rnn" ? "layers-model" : "audioml-model",
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
  if (jsonBytes === undefined || bin === undefined) throw new ModelError(`a model needs ${MODEL_JSON} and ${WEIGHTS_BIN}; found ${[...files.keys()].join(", ") || "nothing"}`)
  let json: { weightsManifest?: Array<{ weights: tfTypes.io.WeightsManifestEntry[] }>; userDefinedMetadata?: { audioml?: { spec?: ModelSpec } } }
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes))
  } catch (e) {
    throw new ModelError(`${MODEL_JSON} is not valid JSON: ${(e as Error).message}`)
  }
  const spec = json.userDefinedMetadata?.audioml?.spec
  if (spec === undefined) throw new ModelError(`${MODEL_JSON} has no userDefinedMetadata.audioml.spec: not an audioml model`)
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
    if (values === undefined) throw new ModelError(`weights for "${name}" are missing from the model files`)
    if (values.length !== v.size) throw new ModelError(`weights for "${name}" have ${values.length} values, the model expects ${v.size}`)
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

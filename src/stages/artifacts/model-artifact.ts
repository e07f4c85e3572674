import { jsonBytes, makeArtifact, readJsonFile, type Artifact } from "../../engine/artifact.js"
import { MODEL_JSON, WEIGHTS_BIN } from "../../ml/model-files.js"
import { MODEL_META, type ModelArtifact, type ModelMeta } from "../../ml/model-meta.js"
import { DataError } from "../../errors/audioml-error.js"

/**
 * Model: a trained model as a stored artifact (the engine's view of ml's model files).
 *
 * Files:
 *   model.json       tfjs model artifacts (modelTopology, weightsManifest, userDefinedMetadata)
 *   weights.bin      the weights, tfjs's binary encoding (little-endian float32)
 *   model-meta.json  ModelMeta (ml/model-meta.ts): params, conditioning labels and their
 *                    normalisation ranges, sample rate, receptive field, backend, training history
 * What each model kind writes into model.json is up to its module in ml/models/.
 */
export const MODEL = "Model"

/** A trained model → the stored artifact (model.json, weights.bin, model-meta.json). */
export const encodeModelArtifact = (model: ModelArtifact): Artifact =>
  makeArtifact(MODEL, [...model.files, [MODEL_META, jsonBytes(model.meta)] as const])

/** The stored artifact → the model's files and metadata. */
export const decodeModelArtifact = (artifact: Artifact): ModelArtifact => {
  if (artifact.kind !== MODEL) throw new DataError({ message: `expected a ${MODEL} artifact, got a ${artifact.kind}` })
  const meta = readJsonFile<ModelMeta>(artifact, MODEL_META)
  const files = new Map<string, Uint8Array>()
  for (const name of [MODEL_JSON, WEIGHTS_BIN]) {
    const bytes = artifact.files.get(name)
    if (bytes === undefined) throw new DataError({ message: `the ${MODEL} artifact has no ${name}` })
    files.set(name, bytes)
  }
  return { files, meta }
}

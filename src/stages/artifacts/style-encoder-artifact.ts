import { jsonBytes, makeArtifact, readJsonFile, type Artifact } from "../../engine/artifact.js"
import { DataError } from "../../errors/audioml-error.js"
import type { StyleEncoderWeights } from "../../ml/style/encoder.js"

/** A trained `model.style_encoder` (mode B of style transfer). */
export const STYLE_ENCODER = "StyleEncoder"

/** Stored as encoder.json: the spec, the chain's parameter names, feature scaling, dense weights and training history. */
export const encodeStyleEncoderArtifact = (weights: StyleEncoderWeights): Artifact => makeArtifact(STYLE_ENCODER, [["encoder.json", jsonBytes(weights)]])

export const decodeStyleEncoderArtifact = (artifact: Artifact): StyleEncoderWeights => {
  if (artifact.kind !== STYLE_ENCODER) throw new DataError({ message: `expected a ${STYLE_ENCODER}, got a ${artifact.kind}` })
  return readJsonFile<StyleEncoderWeights>(artifact, "encoder.json")
}

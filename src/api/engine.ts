/**
 * `audioml/engine`: what a plugin's stage kinds are written against (see README "Plugins"):
 * the stage contract, artifacts, the run helpers for synchronous and asynchronous stage
 * bodies, and the codecs of the audio artifacts stages pass each other.
 *
 * ```js
 * import { syncStage, decodeAudioSet, encodeAudioSet } from "audioml/engine"
 * ```
 */
export type { StageDefinition, StageContext, ProgressReporter, PortSpec, OutputSpec } from "../engine/stage.js"
export { makeArtifact, jsonBytes, readJsonFile, type Artifact } from "../engine/artifact.js"
export { nodeKey, artifactHash, type KeyMaterial } from "../engine/cache-key.js"
export { syncStage, promiseStage } from "../stages/stage-effect.js"
export { AUDIO_SET, encodeAudioSet, decodeAudioSet, openAudioSet, type AudioSet, type Clip, type ClipRef } from "../stages/artifacts/audio-set.js"
export {
  PAIRED_AUDIO_SET,
  encodePairedAudioSet,
  decodePairedAudioSet,
  openPairedAudioSet,
  type PairedAudioSet,
  type Pair,
  type PairRef
} from "../stages/artifacts/paired-audio-set.js"
export { Rng } from "../params/rng.js"

/**
 * What one model kind (a TOML `uses = "model.…"`) owns: its params schema, how to build it,
 * how its weights are written into model.json + weights.bin, and, where it has one, its fast
 * typed-array kernel. One module per kind (ml/models/<kind>.ts) exports its definition;
 * nothing outside that module branches on the `uses` string.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "./backend.js"
import type { AudioModel, ModelKind, ModelSpec } from "./model.js"
import type { JsonSchema } from "../params/schema.js"

/**
 * A per-sample inference kernel on plain typed arrays (no tfjs): `process` maps dry mono
 * input to the predicted wet output with `condition` (normalised conditioning values) held
 * constant; the state carries over between calls until `reset`.
 */
export interface SampleKernel {
  readonly reset: () => void
  readonly process: (input: Float32Array, output: Float32Array, condition?: ArrayLike<number>) => void
}

/** A fast kernel and a name for logs ("typed-array LSTM kernel"). */
export interface FastKernel {
  readonly name: string
  readonly kernel: SampleKernel
}

/** tfjs model artifacts of a trained model, and the `format` string written to model.json. */
export interface SavedArtifacts {
  readonly format: string
  readonly artifacts: tfTypes.io.ModelArtifacts
}

export interface ModelDefinition {
  /** The TOML `uses` ("model.rnn"). */
  readonly uses: string
  readonly description: string
  /** The params schema; its defaults are the only defaults of the kind's params. */
  readonly schema: JsonSchema
  /** What the model maps: audio → audio (recurrent: trained in TBPTT windows; convolutional), feature frames or vectors → targets. */
  readonly kind: ModelKind
  /** Audio models take [B, T, 1 + conditions]; frame/vector models take feature tensors. */
  readonly input: "audio" | "frames" | "vector"
  /**
   * Whether the kind classifies categorical targets (ModelSpec.outputs > 1: logits); kinds
   * without it regress every target, categorical or not.
   */
  readonly classifies?: boolean
  /**
   * What a feature model learns: "targets" (the default: labels named in `targets`) or
   * "identity" (an embedding: examples are pairs of clips with the same value of the
   * `identity` label, trained with loss.triplet; evaluated by retrieval) or "vectors" (an
   * autoencoder of the `targets` values themselves, no features needed: model.vae_recommender).
   */
  readonly learns?: "targets" | "identity" | "vectors"
  /**
   * The params a newly trained model records, from the config's (validated, defaults
   * applied): for a field whose value for new models differs from what its absence means in
   * a stored one (model.rnn's `gru_cell`). Absent: the config's params as they are.
   */
  readonly newModelParams?: (params: Readonly<Record<string, unknown>>) => Record<string, unknown>
  /** Builds the model from its spec (params validated, defaults applied). */
  readonly build: (tf: Tf, spec: ModelSpec) => AudioModel
  /**
   * The model's files when they are not the default (weights only, `format: "audioml-model"`,
   * no topology): model.rnn writes a real tfjs LayersModel. `metadata` goes into
   * model.json's userDefinedMetadata.
   */
  readonly saveArtifacts?: (tf: Tf, model: AudioModel, metadata: Record<string, unknown>) => Promise<SavedArtifacts>
  /**
   * A typed-array kernel from trained weights by name (as model-files.ts decodes them, no
   * tfjs): `params` as stored with the model (defaults applied), `inputSize` = 1 + conditions.
   * Absent for kinds that run through tfjs only; returns undefined for params the kernel cannot
   * stream (a centred model.tcn), which then run through tfjs too.
   */
  readonly fastKernel?: (params: Readonly<Record<string, unknown>>, inputSize: number, weights: ReadonlyMap<string, Float32Array>) => FastKernel | undefined
}

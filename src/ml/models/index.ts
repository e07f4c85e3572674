/**
 * The model registry: TOML `uses` name → params schema and builder. Stages validate a
 * model table against `modelSchema` (a tagged union on `uses`) and call `buildModel`.
 */
import type { Tf } from "../backend.js"
import { Catalog } from "../../params/catalog.js"
import type { JsonSchema } from "../../params/schema.js"
import type { AudioModel, ModelSpec } from "../model.js"
import { buildRnn, rnnParams } from "./rnn.js"
import { buildTcn, tcnParams } from "./tcn.js"
import { buildWavenet, wavenetParams } from "./wavenet.js"
import { buildParamRegressor, paramRegressorParams } from "./param-regressor.js"
import { buildMlp, mlpParams } from "./mlp.js"

export interface ModelDefinition {
  readonly uses: string
  readonly description: string
  readonly schema: JsonSchema
  /** Audio models take [B, T, 1 + conditions]; frame/vector models take feature tensors. */
  readonly input: "audio" | "frames" | "vector"
  readonly build: (tf: Tf, spec: ModelSpec) => AudioModel
}

/** Every model kind, by `uses`. */
export const modelCatalog: Catalog<ModelDefinition> = new Catalog<ModelDefinition>([
  { uses: "model.rnn", description: "LSTM/GRU sample-to-sample effect model with skip and conditioning (Wright et al.)", schema: rnnParams, input: "audio", build: buildRnn },
  { uses: "model.tcn", description: "micro-TCN: dilated convolutions, FiLM conditioning, PReLU, residual 1×1, tanh out", schema: tcnParams, input: "audio", build: buildTcn },
  { uses: "model.wavenet", description: "Neural Amp Modeler WaveNet presets (nano, feather, lite, standard)", schema: wavenetParams, input: "audio", build: buildWavenet },
  { uses: "model.param_regressor", description: "CNN + bidirectional LSTM over feature frames → normalised effect/synth parameters", schema: paramRegressorParams, input: "frames", build: buildParamRegressor },
  { uses: "model.mlp", description: "Multilayer perceptron for small feature → target problems", schema: mlpParams, input: "vector", build: buildMlp }
], { kind: "model", schemaOf: (d) => d.schema })

/** `{ uses = "model.rnn", ... }` validated against the matching model's params. */
export const modelSchema: JsonSchema = modelCatalog.unionSchema()

/** The model kind named `uses` (a ParameterError with a "did you mean" hint when unknown). */
export const modelDefinition = (uses: string): ModelDefinition => modelCatalog.require(uses, "model.uses")

/** Build a model from its spec (params must already be validated, defaults applied). */
export const buildModel = (tf: Tf, spec: ModelSpec): AudioModel => modelDefinition(spec.uses).build(tf, spec)

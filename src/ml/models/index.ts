/**
 * The model registry: TOML `uses` name → the kind's {@link ModelDefinition} (schema, builder,
 * files, fast kernel), one module per kind. Stages validate a model table against
 * `modelSchema` (a tagged union on `uses`) and call `buildModel`.
 */
import type { Tf } from "../backend.js"
import { Catalog } from "../../params/catalog.js"
import type { JsonSchema } from "../../params/schema.js"
import type { AudioModel, ModelSpec } from "../model.js"
import { buildRnn, rnnParams, rnnModel } from "./rnn.js"
import { buildTcn, tcnParams, tcnModel } from "./tcn.js"
import { buildWavenet, wavenetParams, wavenetModel } from "./wavenet.js"
import { buildParamRegressor, paramRegressorParams, paramRegressorModel } from "./param-regressor.js"
import { buildMlp, mlpParams, mlpModel } from "./mlp.js"
import { toneEmbeddingModel } from "./tone-embedding.js"
import { vaeRecommenderModel } from "./vae-recommender.js"
import { ModelError } from "../../errors/audioml-error.js"
import type { ModelDefinition } from "../model-definition.js"

export type { ModelDefinition } from "../model-definition.js"

/** Every model kind, by `uses`, in the order the docs list them. */
export const modelCatalog: Catalog<ModelDefinition> = new Catalog([rnnModel, tcnModel, wavenetModel, paramRegressorModel, mlpModel, toneEmbeddingModel, vaeRecommenderModel], {
  kind: "model",
  schemaOf: (d) => d.schema
})

/** `{ uses = "model.rnn", ... }` validated against the matching model's params. */
export const modelSchema: JsonSchema = modelCatalog.unionSchema()

/** The definition of model kind `uses` (a ParameterError with a "did you mean" hint when unknown). */
export const modelDefinition = (uses: string): ModelDefinition => modelCatalog.require(uses, "model.uses")

/** Build a model from its spec (params must already be validated, defaults applied). */
export const buildModel = (tf: Tf, spec: ModelSpec): AudioModel => modelDefinition(spec.uses).build(tf, spec)

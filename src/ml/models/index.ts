/**
 * The model registry: TOML `uses` name → the kind's {@link ModelDefinition} (schema, builder,
 * files, fast kernel), one module per kind. Stages validate a model table against
 * `modelSchema` (a tagged union on `uses`) and call `buildModel`.
 */
import type { Tf } from "../backend.js"
import { type JsonSchema, taggedUnion } from "../../schema/param-schema.js"
import { ModelError } from "../../errors/audioml-error.js"
import type { ModelDefinition } from "../model-definition.js"
import type { AudioModel, ModelSpec } from "../model.js"
import { rnnModel } from "./rnn.js"
import { tcnModel } from "./tcn.js"
import { wavenetModel } from "./wavenet.js"
import { paramRegressorModel } from "./param-regressor.js"
import { mlpModel } from "./mlp.js"

export type { ModelDefinition } from "../model-definition.js"

/** Every model kind, in the order the docs list them. */
export const modelDefinitions: ReadonlyArray<ModelDefinition> = [rnnModel, tcnModel, wavenetModel, paramRegressorModel, mlpModel]

/** `{ uses = "model.rnn", ... }` validated against the matching model's params. */
export const modelSchema: JsonSchema = taggedUnion(modelDefinitions.map((d) => ({ uses: d.uses, schema: d.schema })))

/** The definition of model kind `uses`; a ModelError naming the known kinds when there is none. */
export const modelDefinition = (uses: string): ModelDefinition => {
  const d = modelDefinitions.find((m) => m.uses === uses)
  if (d === undefined) throw new ModelError({ message: `unknown model "${uses}": expected one of ${modelDefinitions.map((m) => m.uses).join(", ")}` })
  return d
}

/** Build a model from its spec (params must already be validated, defaults applied). */
export const buildModel = (tf: Tf, spec: ModelSpec): AudioModel => modelDefinition(spec.uses).build(tf, spec)

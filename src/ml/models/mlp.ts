/**
 * model.mlp — a multilayer perceptron for small feature → target problems.
 * Input [B, inputs] → output [B, targets.length].
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"
import { Rng } from "../../params/rng.js"
import { array, integer, object, oneOf, string } from "../../params/schema.js"
import { withDefaults } from "../../params/values.js"
import type { ModelDefinition } from "../model-definition.js"
import { type AudioModel, type ModelSpec, type Tensor, VariableSet } from "../model.js"

export const mlpParams = object(
  {
    hidden: array(integer({ description: "Units", minimum: 1, maximum: 4096, distribution: false }), {
      description: "Units of each hidden layer",
      default: [64, 64]
    }),
    activation: oneOf(["relu", "tanh", "elu"], { description: "Hidden activation", default: "relu" }),
    output_activation: oneOf(["linear", "sigmoid", "tanh"], {
      description: "Output activation (sigmoid for normalised [0, 1] labels)",
      default: "sigmoid"
    }),
    targets: array(string({ description: "Label name" }), { description: "Labels to predict", minItems: 1 })
  },
  { required: ["targets"] }
)

export const buildMlp = (tf: Tf, spec: ModelSpec): AudioModel => {
  const p = withDefaults(mlpParams, spec.params) as Record<string, unknown>
  const hidden = p["hidden"] as number[]
  const activation = String(p["activation"])
  const outAct = String(p["output_activation"])
  const targets = (p["targets"] as string[] | undefined) ?? []
  const vars = new VariableSet(tf, new Rng(spec.seed))
  const sizes = [spec.inputSize, ...hidden, targets.length]
  const layers = sizes.slice(1).map((n, i) => ({
    kernel: vars.glorot(`dense${i}/kernel`, [sizes[i]!, n], sizes[i]!, n),
    bias: vars.constant(`dense${i}/bias`, [n], 0)
  }))
  const act = (x: Tensor, name: string): Tensor =>
    name === "relu" ? tf.relu(x) : name === "tanh" ? tf.tanh(x) : name === "elu" ? tf.elu(x) : name === "sigmoid" ? tf.sigmoid(x) : x
  return {
    spec,
    kind: "vector",
    variables: vars.variables as ReadonlyMap<string, tfTypes.Variable>,
    outputSize: targets.length,
    apply: (x) => {
      let h = x
      layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, l.kernel), l.bias)
        h = act(h, i === layers.length - 1 ? outAct : activation)
      })
      return { y: h }
    },
    summary: `MLP ${sizes.join("→")} (${activation}, ${outAct} out) → ${targets.join(", ")}`,
    dispose: () => vars.dispose()
  }
}

/** model.mlp: schema and builder; its files are the default weights-only model.json + weights.bin, and it runs through tfjs. */
export const mlpModel: ModelDefinition = {
  uses: "model.mlp",
  description: "Multilayer perceptron for small feature → target problems",
  schema: mlpParams,
  kind: "vector",
  input: "vector",
  build: buildMlp
}

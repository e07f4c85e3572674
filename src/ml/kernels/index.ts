/** The fast per-sample kernel of a built model (model kinds that have one: model.rnn). */
import { ModelError } from "../../errors/audioml-error.js"
import type { SampleKernel } from "../model-definition.js"
import type { AudioModel } from "../model.js"
import { modelDefinition } from "../models/index.js"
import { GruKernel } from "./gru.js"
import { LstmKernel } from "./lstm.js"

/** Reads the model's current weights (dataSync) into its kind's typed-array kernel. */
export const fastKernelOf = (model: AudioModel): SampleKernel => {
  const { fastKernel } = modelDefinition(model.spec.uses)
  if (fastKernel === undefined) throw new ModelError({ message: `${model.spec.uses} has no fast kernel; it runs through tfjs` })
  const named = new Map<string, Float32Array>()
  for (const [name, v] of model.variables) named.set(name, v.dataSync() as Float32Array)
  return fastKernel(model.spec.params, model.spec.inputSize, named).kernel
}

export { GruKernel, LstmKernel }

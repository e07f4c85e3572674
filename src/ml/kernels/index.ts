/** Builds the fast per-sample kernel for a trained model.rnn. */
import type { AudioModel } from "../model.js"
import { GruKernel } from "./gru.js"
import { LstmKernel } from "./lstm.js"
import { rnnParamsOf } from "../models/rnn.js"
import { rnnWeightsFrom } from "./weights.js"

export type RnnKernel = LstmKernel | GruKernel

/** Reads the model's current weights (dataSync) into a kernel. */
export const rnnKernel = (model: AudioModel): RnnKernel => {
  if (model.spec.uses !== "model.rnn") throw new Error(`fast kernels run model.rnn only, not ${model.spec.uses}`)
  const p = rnnParamsOf(model.spec.params)
  const named = new Map<string, Float32Array>()
  for (const [name, v] of model.variables) named.set(name, v.dataSync() as Float32Array)
  const weights = rnnWeightsFrom(named, p, model.spec.inputSize)
  return p.cell === "gru" ? new GruKernel(weights) : new LstmKernel(weights)
}

export { GruKernel, LstmKernel }

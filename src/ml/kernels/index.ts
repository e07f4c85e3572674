/** The fast per-sample kernel of a built model (model kinds that have one: model.rnn, model.wavenet, a causal model.tcn). */
import { ModelError } from "../../errors/audioml-error.js"
import type { FastKernel } from "../model-definition.js"
import type { AudioModel } from "../model.js"
import { modelDefinition } from "../models/index.js"
import { GruKernel } from "./gru.js"
import { LstmKernel } from "./lstm.js"
import { WasmRnnKernel } from "./wasm/rnn-wasm.js"

export { rnnKernelFor, type RnnKernel } from "./rnn-kernel.js"
export { namWaveNetKernelFor, type WaveNetKernel } from "./wavenet-kernel.js"

/** Reads the model's current weights (dataSync) into its kind's kernel, with the kernel's name for logs. */
export const fastKernelOf = (model: AudioModel): FastKernel => {
  const { fastKernel } = modelDefinition(model.spec.uses)
  if (fastKernel === undefined) throw new ModelError({ message: `${model.spec.uses} has no fast kernel; it runs through tfjs` })
  const named = new Map<string, Float32Array>()
  for (const [name, v] of model.variables) named.set(name, v.dataSync() as Float32Array)
  const fast = fastKernel(model.spec.params, model.spec.inputSize, named)
  if (fast === undefined) throw new ModelError({ message: `${model.spec.uses} with these params has no fast kernel; it runs through tfjs` })
  return fast
}

export { GruKernel, LstmKernel, WasmRnnKernel }

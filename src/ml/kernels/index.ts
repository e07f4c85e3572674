/**
 * Builds the fast kernel for a trained model.rnn: WebAssembly SIMD when available
 * (./wasm/), else the plain-TypeScript kernels; AUDIOML_KERNELS=js|wasm forces one.
 */
import type { AudioModel } from "../model.js"
import { GruKernel } from "./gru.js"
import { LstmKernel } from "./lstm.js"
import { rnnWasmInstance } from "./wasm/module.js"
import { type RnnCellKind, WasmRnnKernel } from "./wasm/rnn-wasm.js"
import { type RnnWeights, rnnWeightsFrom } from "./weights.js"

export type RnnKernel = LstmKernel | GruKernel | WasmRnnKernel

/** A kernel for these weights: WASM SIMD unless AUDIOML_KERNELS=js or SIMD is missing. */
export const rnnKernelFor = (weights: RnnWeights, cell: RnnCellKind): RnnKernel => {
  const wasm = rnnWasmInstance()
  if (wasm !== undefined) return new WasmRnnKernel(weights, cell, wasm)
  if (cell === "lstm") return new LstmKernel(weights)
  if (cell === "gru") return new GruKernel(weights)
  throw new Error(`the TypeScript kernels do not run the ${cell} cell`)
}

/** Reads the model's current weights (dataSync) into a kernel. */
export const rnnKernel = (model: AudioModel): RnnKernel => {
  if (model.spec.uses !== "model.rnn") throw new Error(`fast kernels run model.rnn only, not ${model.spec.uses}`)
  const p = model.spec.params as { cell?: string; hidden?: number; layers?: number; skip?: boolean }
  const named = new Map<string, Float32Array>()
  for (const [name, v] of model.variables) named.set(name, v.dataSync() as Float32Array)
  const weights = rnnWeightsFrom(named, { hidden: p.hidden ?? 16, layers: p.layers ?? 1, skip: p.skip ?? true }, model.spec.inputSize)
  return rnnKernelFor(weights, (p.cell ?? "lstm") === "gru" ? "gru" : "lstm")
}

export { GruKernel, LstmKernel, WasmRnnKernel }

/**
 * The LSTM/GRU block kernel for a set of weights: WebAssembly SIMD when available (./wasm/),
 * else the plain-TypeScript kernels; AUDIOML_KERNELS=js|wasm forces one.
 */
import { ModelError } from "../../errors/audioml-error.js"
import { GruKernel } from "./gru.js"
import { LstmKernel } from "./lstm.js"
import { rnnWasmInstance } from "./wasm/module.js"
import { type RnnCellKind, WasmRnnKernel } from "./wasm/rnn-wasm.js"
import type { RnnWeights } from "./weights.js"

/** Any of the three RNN kernels; `engine` says which ("wasm-simd" or "typed-array"). */
export type RnnKernel = LstmKernel | GruKernel | WasmRnnKernel

/** A kernel for these weights: WASM SIMD unless AUDIOML_KERNELS=js or SIMD is missing. */
export const rnnKernelFor = (weights: RnnWeights, cell: RnnCellKind): RnnKernel => {
  const wasm = rnnWasmInstance()
  if (wasm !== undefined) return new WasmRnnKernel(weights, cell, wasm)
  if (cell === "lstm") return new LstmKernel(weights)
  if (cell === "gru") return new GruKernel(weights)
  if (cell === "gru-reset-after") return new GruKernel(weights, true)
  throw new ModelError({ message: `the TypeScript kernels do not run the ${cell} cell` })
}

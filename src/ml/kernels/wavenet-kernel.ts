/**
 * The NAM WaveNet block kernel for a set of weights: WebAssembly SIMD when available
 * (./wasm/wavenet-wasm.ts), else the plain-TypeScript kernel; AUDIOML_KERNELS=js|wasm forces
 * one, exactly as for the RNN kernels (./rnn-kernel.ts).
 */
import { NamWaveNetKernel, type NamWaveNetWeights } from "./nam-wavenet.js"
import { wavenetWasmInstance } from "./wasm/module.js"
import { WasmNamWaveNetKernel } from "./wasm/wavenet-wasm.js"

/** Either WaveNet kernel; `engine` says which ("wasm-simd" or "typed-array"). */
export type WaveNetKernel = NamWaveNetKernel | WasmNamWaveNetKernel

/** A kernel for these weights: WASM SIMD unless AUDIOML_KERNELS=js or SIMD is missing. */
export const namWaveNetKernelFor = (weights: NamWaveNetWeights): WaveNetKernel => {
  const wasm = wavenetWasmInstance()
  return wasm !== undefined ? new WasmNamWaveNetKernel(weights, wasm) : new NamWaveNetKernel(weights)
}

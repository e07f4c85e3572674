/**
 * The causal model.tcn block kernel for a set of weights: WebAssembly SIMD when available
 * (./wasm/tcn-wasm.ts, on the WaveNet module's dilated convolution), else the plain-TypeScript
 * kernel (./tcn.ts); AUDIOML_KERNELS=js|wasm forces one, as for the other kernels.
 */
import { TcnKernel, type TcnWeights } from "./tcn.js"
import { wavenetWasmInstance } from "./wasm/module.js"
import { WasmTcnKernel } from "./wasm/tcn-wasm.js"

/** Either TCN kernel; `engine` says which ("wasm-simd" or "typed-array"). */
export type TcnBlockKernel = TcnKernel | WasmTcnKernel

/** A kernel for these weights: WASM SIMD unless AUDIOML_KERNELS=js or SIMD is missing. */
export const tcnKernelFor = (weights: TcnWeights): TcnBlockKernel => {
  const wasm = wavenetWasmInstance()
  return wasm !== undefined ? new WasmTcnKernel(weights, wasm) : new TcnKernel(weights)
}

/**
 * The causal model.tcn block kernel for a set of weights: the plain-TypeScript kernel
 * (./tcn.ts). AUDIOML_KERNELS is read as for the other kernels.
 */
import { TcnKernel, type TcnWeights } from "./tcn.js"

/** Either TCN kernel; `engine` says which ("wasm-simd" or "typed-array"). */
export type TcnBlockKernel = TcnKernel

/** A kernel for these weights. */
export const tcnKernelFor = (weights: TcnWeights): TcnBlockKernel => new TcnKernel(weights)

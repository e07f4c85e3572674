/**
 * The compiled WebAssembly SIMD kernels (wasm/rnn.wasm and wasm/wavenet.wasm, built from
 * assembly/rnn.ts and assembly/wavenet.ts by `npm run build:wasm` during `npm ci`), each
 * compiled once per process, and the choice between them and the plain-TypeScript kernels.
 *
 * `AUDIOML_KERNELS` selects: unset or "auto" uses WASM SIMD when the runtime validates the
 * module (every current Node and browser engine does) and falls back to TypeScript
 * otherwise; "js" forces the TypeScript kernels (tests of the fallback); "wasm" requires
 * WASM and fails with a clear message when it cannot run.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** Where `npm run build:wasm` writes the module (the package root's wasm/ folder, from src/ or dist/). */
export const rnnWasmPath = fileURLToPath(new URL("../../../../wasm/rnn.wasm", import.meta.url))
/** The WaveNet module's path (from assembly/wavenet.ts), beside rnn.wasm. */
export const wavenetWasmPath = fileURLToPath(new URL("../../../../wasm/wavenet.wasm", import.meta.url))

/** The slice of the WebAssembly JS API used here (Node's global; @types/node 20 does not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
/** A memory shared between threads (`shared: true`): its buffer is a SharedArrayBuffer. */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer
  grow(pages: number): number
}
/** The WebAssembly global, typed with what the kernels use. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: unknown }
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedWasmMemory
}
/** Node's WebAssembly global. */
export const wasmApi = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly
const WebAssembly = wasmApi

/** The module's exports: see assembly/rnn.ts for the memory layout `process` reads. */
export interface RnnWasmExports {
  readonly memory: WasmMemory
  readonly heapBase: () => number
  readonly process: (desc: number, n: number) => void
}

/** The WaveNet module's exports: see assembly/wavenet.ts for the memory layouts `process` (NAM WaveNet) and `processTcn` (model.tcn) read. */
export interface WaveNetWasmExports extends RnnWasmExports {
  readonly processTcn: (desc: number, n: number) => void
}

type Compiled = { readonly module: object } | { readonly error: string }
const compiled = new Map<string, Compiled>()

const compile = (path: string): Compiled => {
  const known = compiled.get(path)
  if (known !== undefined) return known
  let result: Compiled
  let bytes: Buffer | undefined
  try {
    bytes = readFileSync(path)
  } catch {
    bytes = undefined
  }
  if (bytes === undefined) result = { error: `${path} is missing (run "npm run build:wasm")` }
  else if (!WebAssembly.validate(bytes)) result = { error: "this JavaScript engine does not support WebAssembly SIMD" }
  else result = { module: new WebAssembly.Module(bytes) }
  compiled.set(path, result)
  return result
}

/** Which kernels `AUDIOML_KERNELS` asks for: "auto" (default), "js" or "wasm". */
export const kernelPreference = (): "auto" | "js" | "wasm" => {
  const v = process.env["AUDIOML_KERNELS"]
  if (v === undefined || v === "" || v === "auto") return "auto"
  if (v === "js" || v === "wasm") return v
  throw new Error(`AUDIOML_KERNELS must be "auto", "js" or "wasm", not "${v}"`)
}

const instanceOf = (path: string): RnnWasmExports | undefined => {
  const preference = kernelPreference()
  if (preference === "js") return undefined
  const c = compile(path)
  if ("error" in c) {
    if (preference === "wasm") throw new Error(`AUDIOML_KERNELS=wasm: ${c.error}`)
    return undefined
  }
  return new WebAssembly.Instance(c.module, {}).exports as unknown as RnnWasmExports
}

/**
 * A fresh instance (its own linear memory) of the SIMD module, or undefined when the
 * TypeScript kernels are to be used (forced by AUDIOML_KERNELS=js, or WASM SIMD unavailable).
 */
export const rnnWasmInstance = (): RnnWasmExports | undefined => instanceOf(rnnWasmPath)

/**
 * A fresh instance of the WaveNet SIMD module, or undefined when the TypeScript kernel is to
 * be used; the same choice as `rnnWasmInstance`.
 */
export const wavenetWasmInstance = (): WaveNetWasmExports | undefined => instanceOf(wavenetWasmPath) as WaveNetWasmExports | undefined

/**
 * Run `input` through a kernel's io buffer (`f32[io, io + block)` of its instance's memory)
 * block by block: copy up to `block` samples in, `run(desc, n)` processes them in place, copy
 * them out to `output` (at least `input.length` long; may be `input`). Allocates nothing, so a
 * streaming `process` can call it per audio block.
 */
export const processThroughIo = (
  f32: Float32Array,
  io: number,
  block: number,
  input: Float32Array,
  output: Float32Array,
  run: (desc: number, n: number) => void,
  desc: number
): void => {
  for (let start = 0; start < input.length; start += block) {
    const n = Math.min(block, input.length - start)
    for (let i = 0; i < n; i++) f32[io + i] = input[start + i]!
    run(desc, n)
    for (let i = 0; i < n; i++) output[start + i] = f32[io + i]!
  }
}

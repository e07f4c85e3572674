/**
 * The LSTM and GRU (reset-after) training passes of assembly/rnn-train.ts (wasm/rnn-train.wasm),
 * run on both cores: one shared WebAssembly memory, this thread and a worker thread each
 * running the same call on its half of the batch. The calls are synchronous (a tf.customGrad op must return its
 * value), so the handoff is a SharedArrayBuffer and Atomics.wait, not messages.
 *
 * Results do not depend on how many threads ran them: the batch is always cut into the same
 * PARTS ranges, each range's weight gradients are summed separately and the parts are added
 * in a fixed order, on one core as on two.
 */
import { readFileSync } from "node:fs"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { kernelPreference, wasmApi, type SharedWasmMemory } from "./module.js"

/** Where `npm run build:wasm` writes the training module (the package root's wasm/ folder). */
export const rnnTrainWasmPath = fileURLToPath(new URL("../../../../wasm/rnn-train.wasm", import.meta.url))

/** Batch ranges per call, whatever the thread count (so results never depend on it). */
const PARTS = 2
/** The module's maximum memory (`--maximumMemory` in package.json's build:wasm), in 64 KiB pages. */
const MAX_PAGES = 16384
const PAGE = 65536

interface TrainExports {
  readonly heapBase: () => number
  readonly lstmForward: (desc: number, b0: number, b1: number, scratch: number) => void
  readonly lstmBackward: (desc: number, b0: number, b1: number, grads: number, scratch: number) => void
  readonly gruForward: (desc: number, b0: number, b1: number, scratch: number) => void
  readonly gruBackward: (desc: number, b0: number, b1: number, grads: number, scratch: number) => void
}

/** The cells with training passes here: the LSTM and the reset-after GRU. */
export type TrainCell = "lstm" | "gru"
const WebAssembly = wasmApi

/**
 * The helper thread: instantiates the module on the shared memory, then runs one batch range
 * per request. control (Int32Array): [0] request sequence, [1] 1/2 LSTM forward/backward,
 * 3/4 GRU forward/backward,
 * [2..6] the call's arguments, [7] 0 ok / 1 failed, [8] last finished sequence, [9] ready.
 */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads")
const { module, memory, control } = workerData
const ctl = new Int32Array(control)
const k = new WebAssembly.Instance(module, { env: { memory } }).exports
Atomics.store(ctl, 9, 1)
Atomics.notify(ctl, 9)
let seen = 0
for (;;) {
  Atomics.wait(ctl, 0, seen)
  seen = Atomics.load(ctl, 0)
  try {
    const op = ctl[1]
    if (op === 1) k.lstmForward(ctl[2], ctl[3], ctl[4], ctl[5])
    else if (op === 2) k.lstmBackward(ctl[2], ctl[3], ctl[4], ctl[5], ctl[6])
    else if (op === 3) k.gruForward(ctl[2], ctl[3], ctl[4], ctl[5])
    else k.gruBackward(ctl[2], ctl[3], ctl[4], ctl[5], ctl[6])
    ctl[7] = 0
  } catch {
    ctl[7] = 1
  }
  Atomics.store(ctl, 8, seen)
  Atomics.notify(ctl, 8)
}
`

/** What the forward pass keeps for the backward pass (copied out of the shared memory): gate activations, h, and c (LSTM) or s_n (GRU). */
export interface RnnSaved {
  readonly gates: Float32Array
  readonly hs: Float32Array
  readonly third: Float32Array
}

/** Gradients of one layer over a window (tfjs layouts); db is [2][G] for the GRU; dc0 is empty for the GRU. */
export interface RnnGrads {
  readonly dx: Float32Array
  readonly dW: Float32Array
  readonly dU: Float32Array
  readonly db: Float32Array
  readonly dh0: Float32Array
  readonly dc0: Float32Array
}

/**
 * The arrays of one layer's window, tfjs layouts: x [B][T][I], W [I][G], U [H][G]; bias [G]
 * for the LSTM (G = 4H), [2][G] for the GRU (G = 3H).
 */
export interface RnnWindow {
  readonly cell: TrainCell
  readonly B: number
  readonly T: number
  readonly I: number
  readonly H: number
  readonly x: Float32Array
  readonly W: Float32Array
  readonly U: Float32Array
  readonly bias: Float32Array
}

const align = (n: number): number => (n + 15) & ~15

/** The shape of a window: what the memory layout depends on. */
type Shape = Pick<RnnWindow, "cell" | "B" | "T" | "I" | "H">

/** Byte offsets of every array of one call, laid out from `base`. */
const layout = (base: number, { cell, B, T, I, H }: Shape) => {
  const lstm = cell === "lstm"
  const G = (lstm ? 4 : 3) * H
  let next = align(base)
  const take = (floats: number): number => {
    const at = next
    next = align(next + 4 * floats)
    return at
  }
  const desc = take(18)
  const arrays = {
    x: take(B * T * I), W: take(I * G), U: take(H * G), bias: take(lstm ? G : 2 * G), h0: take(B * H), c0: take(lstm ? B * H : 0),
    gates: take(T * B * G), hs: take((T + 1) * B * H), third: take((T + 1) * B * H), out: take(outRows(cell, B, T) * H),
    dy: take(outRows(cell, B, T) * H), dx: take(B * T * I), dh: take(B * H), dc: take(lstm ? B * H : 0)
  }
  const parts = Array.from({ length: PARTS }, () => ({ scratch: take(3 * G), grads: take((I + H + (lstm ? 1 : 2)) * G) }))
  return { G, desc, arrays, parts, end: next }
}

/** Rows of a layer op's output: h_t for every (b, t), then h_T, then (LSTM) c_T. */
const outRows = (cell: TrainCell, B: number, T: number): number => B * T + (cell === "lstm" ? 2 : 1) * B

class RnnTrainKernel {
  private readonly control = new Int32Array(new SharedArrayBuffer(16 * 4))
  private worker: Worker | undefined

  constructor(
    private readonly module: object,
    private readonly memory: SharedWasmMemory,
    private readonly k: TrainExports,
    threads: number
  ) {
    if (threads >= 2) this.worker = this.startWorker()
  }

  /** A helper thread on the same memory, or undefined (one thread then runs every range) if it does not start. */
  private startWorker(): Worker | undefined {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: this.module, memory: this.memory, control: this.control.buffer } })
    worker.unref() // it waits for work forever; it must not keep the process alive
    if (Atomics.wait(this.control, 9, 0, 10_000) === "timed-out" && Atomics.load(this.control, 9) === 0) {
      void worker.terminate()
      return undefined
    }
    return worker
  }

  /** Whether a window fits the module's maximum memory. */
  fits(w: Shape): boolean {
    return layout(this.k.heapBase(), w).end <= MAX_PAGES * PAGE
  }

  private prepare(w: Shape) {
    const l = layout(this.k.heapBase(), w)
    const have = this.memory.buffer.byteLength
    if (l.end > have) this.memory.grow(Math.ceil((l.end - have) / PAGE))
    const f32 = new Float32Array(this.memory.buffer)
    const words = new Int32Array(this.memory.buffer, l.desc, 18)
    const a = l.arrays
    words.set([w.B, w.T, w.I, w.H, a.x, a.W, a.U, a.bias, a.h0, a.c0, a.gates, a.hs, a.third, a.out, a.dy, a.dx, a.dh, a.dc])
    const view = (at: number, n: number) => f32.subarray(at >> 2, (at >> 2) + n)
    return { l, view }
  }

  /** Runs the call for each batch range: range 0 on the helper thread when there is one, range 1 here. */
  private run(op: 1 | 2 | 3 | 4, args: (part: number) => [number, number, number, number, number]): void {
    const k = this.k
    const call = (a: readonly [number, number, number, number, number]) =>
      op === 1 ? k.lstmForward(a[0], a[1], a[2], a[3])
      : op === 2 ? k.lstmBackward(a[0], a[1], a[2], a[3], a[4])
      : op === 3 ? k.gruForward(a[0], a[1], a[2], a[3])
      : k.gruBackward(a[0], a[1], a[2], a[3], a[4])
    if (this.worker === undefined) {
      for (let p = 0; p < PARTS; p++) call(args(p))
      return
    }
    const c = this.control
    c.set([op, ...args(0)], 1)
    const seq = Atomics.add(c, 0, 1) + 1
    Atomics.notify(c, 0)
    call(args(1))
    for (let done = Atomics.load(c, 8); done !== seq; done = Atomics.load(c, 8)) Atomics.wait(c, 8, done)
    if (c[7] !== 0) throw new Error("the RNN training kernel failed on the helper thread")
  }

  /** The PARTS batch ranges [b0, b1) of a batch of B. */
  private ranges(B: number): Array<readonly [number, number]> {
    return Array.from({ length: PARTS }, (_, p) => [Math.floor((p * B) / PARTS), Math.floor(((p + 1) * B) / PARTS)] as const)
  }

  /** The forward pass: the op's output (see outRows) and what the backward pass needs; c0 is ignored for the GRU. */
  forward(w: RnnWindow, h0: Float32Array, c0: Float32Array | undefined): { out: Float32Array; saved: RnnSaved } {
    const { cell, B, T, H } = w
    const { l, view } = this.prepare(w)
    const a = l.arrays
    view(a.x, w.x.length).set(w.x)
    view(a.W, w.W.length).set(w.W)
    view(a.U, w.U.length).set(w.U)
    view(a.bias, w.bias.length).set(w.bias)
    view(a.h0, B * H).set(h0)
    if (cell === "lstm") view(a.c0, B * H).set(c0!)
    const ranges = this.ranges(B)
    this.run(cell === "lstm" ? 1 : 3, (p) => [l.desc, ranges[p]![0], ranges[p]![1], l.parts[p]!.scratch, 0])
    return {
      out: view(a.out, outRows(cell, B, T) * H).slice(),
      saved: { gates: view(a.gates, T * B * l.G).slice(), hs: view(a.hs, (T + 1) * B * H).slice(), third: view(a.third, (T + 1) * B * H).slice() }
    }
  }

  /** Backpropagation through time from the gradient `dy` of the forward output. */
  backward(w: RnnWindow, saved: RnnSaved, dy: Float32Array): RnnGrads {
    const { cell, B, T, I, H } = w
    const { l, view } = this.prepare(w)
    const G = l.G
    const a = l.arrays
    view(a.x, w.x.length).set(w.x)
    view(a.W, w.W.length).set(w.W)
    view(a.U, w.U.length).set(w.U)
    view(a.gates, saved.gates.length).set(saved.gates)
    view(a.hs, saved.hs.length).set(saved.hs)
    view(a.third, saved.third.length).set(saved.third)
    view(a.dy, dy.length).set(dy)
    const ranges = this.ranges(B)
    this.run(cell === "lstm" ? 2 : 4, (p) => [l.desc, ranges[p]![0], ranges[p]![1], l.parts[p]!.grads, l.parts[p]!.scratch])
    // the ranges' weight gradients, added in a fixed order
    const sum = view(l.parts[0]!.grads, (I + H + (cell === "lstm" ? 1 : 2)) * G).slice()
    for (let p = 1; p < PARTS; p++) {
      const g = view(l.parts[p]!.grads, sum.length)
      for (let i = 0; i < sum.length; i++) sum[i]! += g[i]!
    }
    return {
      dx: view(a.dx, B * T * I).slice(),
      dW: sum.subarray(0, I * G),
      dU: sum.subarray(I * G, (I + H) * G),
      db: sum.subarray((I + H) * G),
      dh0: view(a.dh, B * H).slice(),
      dc0: cell === "lstm" ? view(a.dc, B * H).slice() : new Float32Array(0)
    }
  }
}

let kernel: RnnTrainKernel | null | undefined

/**
 * The process's RNN training kernel, or undefined when the TypeScript passes are to be used
 * (AUDIOML_KERNELS=js, or no WASM SIMD and threads support; AUDIOML_KERNELS=wasm makes that an
 * error). One per process: the calls are synchronous, so they never overlap.
 */
export const rnnTrainKernel = (): RnnTrainKernel | undefined => {
  const preference = kernelPreference()
  if (preference === "js") return undefined
  if (kernel !== undefined) return kernel ?? undefined
  let problem: string
  try {
    const bytes = readFileSync(rnnTrainWasmPath)
    if (WebAssembly.validate(bytes)) {
      const module = new WebAssembly.Module(bytes)
      const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true })
      const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as TrainExports
      kernel = new RnnTrainKernel(module, memory, k, availableParallelism())
      return kernel
    }
    problem = "this JavaScript engine does not support WebAssembly SIMD and threads"
  } catch (e) {
    problem = `${rnnTrainWasmPath}: ${(e as Error).message} (run "npm run build:wasm")`
  }
  if (preference === "wasm") throw new Error(`AUDIOML_KERNELS=wasm: ${problem}`)
  kernel = null
  return undefined
}

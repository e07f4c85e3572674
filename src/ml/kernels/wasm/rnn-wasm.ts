/**
 * LSTM / GRU inference in WebAssembly SIMD: the same network and state semantics as the
 * TypeScript kernels (../lstm.ts, ../gru.ts), a whole block per call into WASM.
 *
 * The weights are copied once into the instance's linear memory in the layout
 * assembly/rnn.ts documents (units padded to a multiple of 4, each gate a contiguous
 * block, input-row-major). Conditioning labels are constant within a call, so their
 * weighted sum is folded into layer 0's bias, recomputed only when the labels change.
 * `process` allocates nothing: samples are copied through a fixed block buffer.
 */
import { restoreInitialState, sampleRows, type RnnWeights } from "../weights.js"
import type { RnnWasmExports } from "./module.js"
import { processThroughIo } from "./module.js"

/** Samples per call into WASM (the io buffer's length). */
export const WASM_BLOCK = 1024

/** The recurrent cell the kernel runs. "gru" is tfjs/Keras's reset-before cell, "gru-reset-after" PyTorch's. */
export type RnnCellKind = "lstm" | "gru" | "gru-reset-after"

const cellCode: Record<RnnCellKind, number> = { lstm: 0, gru: 1, "gru-reset-after": 2 }
const gatesOf = (cell: RnnCellKind): number => (cell === "lstm" ? 4 : 3)
const align16 = (n: number): number => (n + 15) & ~15

export class WasmRnnKernel {
  /** Which implementation runs (reported by `audioml process` and the bench). */
  readonly engine = "wasm-simd"
  private readonly f32: Float32Array
  private readonly desc: number // byte offset of the layout table
  private readonly io: number // float index of the io buffer
  private readonly bias0: number // float index of layer 0's bias
  private readonly bias0Raw: Float32Array // layer 0's bias before folding, padded layout
  private readonly condRows: Float32Array // layer 0's conditioning rows, [nIn − 1][G·Hp]
  private readonly lastCondition: Float64Array
  private folded = false
  private readonly hViews: Float32Array[] = [] // each layer's h in linear memory
  private readonly cViews: Float32Array[] = []

  constructor(private readonly weights: RnnWeights, private readonly cell: RnnCellKind, private readonly wasm: RnnWasmExports) {
    const H = weights.hidden
    const Hp = Math.ceil(H / 4) * 4
    const gates = gatesOf(cell)
    const G = gates * Hp
    const layers = weights.layers.length
    const nIn = weights.inputSize
    // layer 0's per-sample rows: the dry sample, and its μ-law companding when there is one
    const rows0 = sampleRows(weights)
    const biasRows = cell === "gru-reset-after" ? 2 : 1

    // Byte layout.
    let at = align16(wasm.heapBase())
    const take = (floats: number): number => {
      const p = at
      at = align16(at + 4 * floats)
      return p
    }
    const desc = take(16 + 8 * layers)
    const layerPtrs = weights.layers.map((_, l) => ({
      w: take(l === 0 ? rows0 * G : Hp * G),
      u: take(Hp * G),
      b: take(biasRows * G),
      h: take(Hp),
      c: take(Hp)
    }))
    const head = take(Hp)
    const gainHead = take(Hp)
    const pair = take(4)
    const scratchZ = take(4 * Hp)
    const scratchS = take(4 * Hp)
    const io = take(WASM_BLOCK)
    const pages = Math.ceil(at / 65536) - wasm.memory.buffer.byteLength / 65536
    if (pages > 0) wasm.memory.grow(pages)
    const f32 = new Float32Array(wasm.memory.buffer)
    const i32 = new Int32Array(wasm.memory.buffer)
    f32.fill(0, desc / 4, at / 4)

    /** tfjs [rows, gates·H] (row offset `r0`) → padded [rows][gates·Hp] at byte `dst`. */
    const place = (src: Float32Array, r0: number, rows: number, dst: number): void => {
      for (let r = 0; r < rows; r++)
        for (let g = 0; g < gates; g++)
          for (let j = 0; j < H; j++) f32[dst / 4 + r * G + g * Hp + j] = src[(r0 + r) * gates * H + g * H + j]!
    }
    const d = desc / 4
    i32[d] = cellCode[cell]
    i32[d + 1] = layers
    i32[d + 2] = Hp
    i32[d + 3] = weights.gain !== undefined ? 2 : weights.skip ? 1 : 0
    i32[d + 4] = io
    i32[d + 5] = head
    f32[d + 6] = weights.outBias
    i32[d + 7] = scratchZ
    i32[d + 8] = scratchS
    i32[d + 9] = gainHead
    f32[d + 10] = weights.gain?.bias ?? 0
    f32[d + 11] = weights.muLaw ?? 0
    i32[d + 12] = pair
    weights.layers.forEach((lw, l) => {
      const p = layerPtrs[l]!
      const expectBias = biasRows * gates * H
      if (lw.bias.length !== expectBias) throw new Error(`${cell} kernel: layer ${l} bias has ${lw.bias.length} values, expected ${expectBias}`)
      place(lw.kernel, 0, l === 0 ? rows0 : H, p.w)
      place(lw.recurrent, 0, H, p.u)
      place(lw.bias, 0, biasRows, p.b)
      i32.set([p.w, p.u, p.b, p.h, p.c], d + 16 + 8 * l)
      this.hViews.push(f32.subarray(p.h / 4, p.h / 4 + H))
      this.cViews.push(f32.subarray(p.c / 4, p.c / 4 + H))
    })
    for (let j = 0; j < H; j++) f32[head / 4 + j] = weights.outKernel[j]!
    if (weights.gain !== undefined) for (let j = 0; j < H; j++) f32[gainHead / 4 + j] = weights.gain.kernel[j]!
    // Conditioning rows of layer 0's kernel, in the padded layout, for folding.
    const condRows = new Float32Array(Math.max(0, nIn - 1) * G)
    for (let r = 0; r < nIn - 1; r++)
      for (let g = 0; g < gates; g++)
        for (let j = 0; j < H; j++) condRows[r * G + g * Hp + j] = weights.layers[0]!.kernel[(rows0 + r) * gates * H + g * H + j]!
    this.f32 = f32
    this.io = io / 4
    this.bias0 = layerPtrs[0]!.b / 4
    this.bias0Raw = f32.slice(this.bias0, this.bias0 + G)
    this.condRows = condRows
    this.lastCondition = new Float64Array(Math.max(0, nIn - 1))
    this.desc = desc
    this.reset()
  }

  /** Restores the initial state (zeros, or the weights' `initialState`) of every layer. */
  reset(): void {
    restoreInitialState(this.weights, this.hViews, this.cell === "lstm" ? this.cViews : [])
  }

  /**
   * input: dry samples; condition: the normalised labels (length inputSize − 1);
   * output: written in place (may be the same array as input). State carries across calls.
   */
  process(input: Float32Array, output: Float32Array, condition: ArrayLike<number> = []): void {
    const nCond = this.weights.inputSize - 1
    if (condition.length !== nCond) throw new Error(`${this.cell} kernel: expected ${nCond} conditioning values, got ${condition.length}`)
    if (output.length < input.length) throw new Error(`${this.cell} kernel: output has ${output.length} samples, input ${input.length}`)
    this.foldCondition(condition)
    processThroughIo(this.f32, this.io, WASM_BLOCK, input, output, this.wasm.process, this.desc)
  }

  /** Layer 0's bias = its own bias + Σ label·row (in float64, stored as f32), when the labels changed. */
  private foldCondition(condition: ArrayLike<number>): void {
    const last = this.lastCondition
    let same = this.folded
    for (let c = 0; c < last.length && same; c++) same = last[c] === condition[c]
    if (same) return
    const G = this.bias0Raw.length
    for (let g = 0; g < G; g++) {
      let s = this.bias0Raw[g]!
      for (let c = 0; c < last.length; c++) s += this.condRows[c * G + g]! * condition[c]!
      this.f32[this.bias0 + g] = s
    }
    for (let c = 0; c < last.length; c++) last[c] = condition[c]!
    this.folded = true
  }
}

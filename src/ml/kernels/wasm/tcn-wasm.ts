/**
 * A causal model.tcn in WebAssembly SIMD (assembly/wavenet.ts `processTcn`, the WaveNet
 * module's ring-buffer dilated convolution): the same network and state as the TypeScript
 * kernel (../tcn.ts), a whole block per call into WASM.
 *
 * Weights are copied once into the padded layout the assembly documents; FiLM's γ and β are
 * constant within a call, so they are folded into the conv weights (γ ⊙ W) and bias (γ ⊙ b + β),
 * recomputed only when the labels change. `process` allocates nothing.
 */
import { tcnFilm, type TcnWeights } from "../tcn.js"
import type { WaveNetWasmExports } from "./module.js"
import { processThroughIo } from "./module.js"

/** Samples per call into WASM (the io buffer's length). */
export const TCN_WASM_BLOCK = 1024

const pad4 = (n: number): number => Math.ceil(n / 4) * 4
const align16 = (n: number): number => (n + 15) & ~15
const BLOCK_WORDS = 12

export class WasmTcnKernel {
  /** Which implementation runs (reported by `audioml process` and the bench). */
  readonly engine = "wasm-simd"
  private readonly f32: Float32Array
  private readonly i32: Int32Array
  private readonly desc: number
  private readonly io: number
  private readonly rings: ReadonlyArray<{ readonly from: number; readonly to: number; readonly word: number }>
  /** Per block: the conv and bias in the padded layout before FiLM, and where they go. */
  private readonly raw: ReadonlyArray<{ readonly conv: Float32Array; readonly convAt: number; readonly bias: Float32Array; readonly biasAt: number; readonly taps: number; readonly cinP: number }>
  private readonly Cp: number
  private readonly lastLabels: Float64Array
  private folded = false

  constructor(private readonly weights: TcnWeights, private readonly wasm: WaveNetWasmExports) {
    const C = weights.channels
    const Cp = pad4(C)
    const K = weights.kernelSize
    let at = align16(wasm.heapBase())
    const take = (floats: number): number => {
      const p = at
      at = align16(at + 4 * floats)
      return p
    }
    const desc = take(16 + BLOCK_WORDS * weights.blocks.length)
    const outKernel = take(Cp)
    const h = take(Cp)
    const next = take(Cp)
    const io = take(TCN_WASM_BLOCK)
    const plan = weights.blocks.map((b) => {
      const cinP = pad4(b.inputSize)
      const len = (K - 1) * b.dilation + 1
      return { cinP, len, ring: take(len * cinP), conv: take(K * cinP * Cp), bias: take(Cp), alpha: take(Cp), res: take(cinP * Cp) }
    })
    const pages = Math.ceil(at / 65536) - wasm.memory.buffer.byteLength / 65536
    if (pages > 0) wasm.memory.grow(pages)
    const f32 = new Float32Array(wasm.memory.buffer)
    const i32 = new Int32Array(wasm.memory.buffer)
    f32.fill(0, desc / 4, at / 4)
    const d = desc / 4
    i32.set([weights.blocks.length, io], d)
    f32[d + 2] = weights.outBias
    i32.set([Cp, K, outKernel, h, next], d + 3)
    for (let m = 0; m < C; m++) f32[outKernel / 4 + m] = weights.outKernel[m]!
    const rings: Array<{ from: number; to: number; word: number }> = []
    const raw: Array<{ conv: Float32Array; convAt: number; bias: Float32Array; biasAt: number; taps: number; cinP: number }> = []
    weights.blocks.forEach((b, i) => {
      const p = plan[i]!
      const cin = b.inputSize
      const conv = new Float32Array(K * p.cinP * Cp)
      // tfjs conv [K·cin][C] → [K][cinP][Cp]
      for (let j = 0; j < K; j++) for (let c = 0; c < cin; c++) for (let m = 0; m < C; m++) conv[(j * p.cinP + c) * Cp + m] = b.conv[(j * cin + c) * C + m]!
      const bias = new Float32Array(Cp)
      for (let m = 0; m < C; m++) {
        bias[m] = b.bias[m]!
        f32[p.alpha / 4 + m] = b.alpha[m]!
        for (let c = 0; c < cin; c++) f32[p.res / 4 + c * Cp + m] = b.res[c * C + m]!
      }
      const word = d + 16 + BLOCK_WORDS * i
      i32.set([p.ring, p.len, 0, b.dilation, p.conv, p.bias, p.alpha, p.res, p.cinP], word)
      rings.push({ from: p.ring / 4, to: p.ring / 4 + p.len * p.cinP, word: word + 2 })
      raw.push({ conv, convAt: p.conv / 4, bias, biasAt: p.bias / 4, taps: K, cinP: p.cinP })
    })
    this.f32 = f32
    this.i32 = i32
    this.desc = desc
    this.io = io / 4
    this.rings = rings
    this.raw = raw
    this.Cp = Cp
    this.lastLabels = new Float64Array(weights.film?.labels ?? 0)
    this.reset()
  }

  /** Back to zero history. */
  reset(): void {
    for (const r of this.rings) {
      this.f32.fill(0, r.from, r.to)
      this.i32[r.word] = 0
    }
  }

  /** input → output (may be the same array); `condition`: the normalised labels. */
  process(input: Float32Array, output: Float32Array, condition: ArrayLike<number> = []): void {
    const nLabels = this.lastLabels.length
    if (condition.length !== nLabels) throw new Error(`TCN kernel: takes ${nLabels} conditioning values, got ${condition.length}`)
    if (output.length < input.length) throw new Error(`TCN kernel: output has ${output.length} samples, input ${input.length}`)
    this.fold(condition)
    processThroughIo(this.f32, this.io, TCN_WASM_BLOCK, input, output, this.wasm.processTcn, this.desc)
  }

  /** conv ← γ ⊙ W, bias ← γ ⊙ b + β for every block, when the labels changed. */
  private fold(condition: ArrayLike<number>): void {
    const last = this.lastLabels
    let same = this.folded
    for (let j = 0; j < last.length && same; j++) same = last[j] === condition[j]
    if (same) return
    for (let j = 0; j < last.length; j++) last[j] = condition[j]!
    const film = tcnFilm(this.weights, last)
    const C = this.weights.channels
    const Cp = this.Cp
    this.raw.forEach((r, i) => {
      const gamma = (m: number) => film[2 * i * C + m]!
      for (let row = 0; row < r.taps * r.cinP; row++) for (let m = 0; m < C; m++) this.f32[r.convAt + row * Cp + m] = gamma(m) * r.conv[row * Cp + m]!
      for (let m = 0; m < C; m++) this.f32[r.biasAt + m] = gamma(m) * r.bias[m]! + film[(2 * i + 1) * C + m]!
    })
    this.folded = true
  }
}

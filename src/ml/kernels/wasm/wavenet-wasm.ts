/**
 * NAM's WaveNet in WebAssembly SIMD: the same network and state semantics as the TypeScript
 * kernel (../nam-wavenet.ts), a whole block per call into WASM, one ring buffer per dilated
 * layer in the instance's linear memory.
 *
 * The weights are copied once, in the layout assembly/wavenet.ts documents (channels padded
 * to a multiple of 4 with zero weights, matrices input-row-major, the conv one matrix per
 * tap). Extra conditioning values are constant within a call, so their weighted sums are folded
 * into every conv bias and the first rechannel's bias, recomputed only when the values change;
 * so is a layer's FiLM: γ = 1 + G·values scales its conv weights, its mixer's audio column and
 * its (folded) bias, and β = F·values is added to the bias.
 * `process` allocates nothing: samples are copied through a fixed block buffer.
 */
import { type NamActivation, type NamWaveNetWeights, namWaveNetReceptiveField } from "../nam-wavenet.js"
import type { WaveNetWasmExports } from "./module.js"
import { processThroughIo } from "./module.js"

/** Samples per call into WASM (the io buffer's length). */
export const WAVENET_WASM_BLOCK = 1024

const activationCode: Record<NamActivation, number> = { Tanh: 0, ReLU: 1, Hardtanh: 2, Sigmoid: 3 }
const pad4 = (n: number): number => Math.ceil(n / 4) * 4
const align16 = (n: number): number => (n + 15) & ~15
/** i32 words per layer array and per layer in the desc table (assembly/wavenet.ts). */
const ARRAY_WORDS = 16
const LAYER_WORDS = 12

/** The shapes the kernel needs to chain layer arrays (nam.ts refuses files that break them). */
const checkShapes = (w: NamWaveNetWeights): void => {
  const cs = w.arrays[0]?.conditionSize ?? 1
  w.arrays.forEach((a, i) => {
    if (a.conditionSize !== cs) throw new Error(`WaveNet kernel: layer array ${i} has condition size ${a.conditionSize}, array 0 has ${cs}`)
    const below = i === 0 ? cs : w.arrays[i - 1]!.channels
    if (a.inputSize !== below) throw new Error(`WaveNet kernel: layer array ${i} takes ${a.inputSize} inputs, but ${i === 0 ? `the condition has ${cs} values` : `the previous array has ${below} channels`}`)
    if (i > 0 && w.arrays[i - 1]!.headSize !== a.channels) throw new Error(`WaveNet kernel: layer array ${i - 1}'s head size ${w.arrays[i - 1]!.headSize} is not array ${i}'s channels ${a.channels}`)
  })
  if (w.arrays.length === 0 || w.arrays[w.arrays.length - 1]!.headSize !== 1) throw new Error("WaveNet kernel: the last layer array's head size must be 1")
}

export class WasmNamWaveNetKernel {
  /** Which implementation runs (reported by `audioml process` and the bench). */
  readonly engine = "wasm-simd"
  private readonly f32: Float32Array
  private readonly i32: Int32Array
  private readonly desc: number // byte offset of the layout table
  private readonly io: number // float index of the io buffer
  private readonly rings: ReadonlyArray<{ readonly from: number; readonly to: number; readonly word: number }> // float ranges and position words
  private readonly warm: number // samples of silence `reset` runs through
  private readonly folds: ReadonlyArray<{ readonly at: number; readonly raw: Float32Array; readonly rows: Float32Array }> // biases with conditioning rows [extra][width]
  /** FiLM layers: where their conv [K·Cp][midP], mixer [midP] and bias live, their raw values, and G, F as [extra][midP]. */
  private readonly films: ReadonlyArray<{
    readonly conv: number
    readonly convRaw: Float32Array
    readonly mixer: number
    readonly mixerRaw: Float32Array
    readonly bias: number
    readonly biasRaw: Float32Array
    readonly biasRows: Float32Array
    readonly gamma: Float32Array
    readonly beta: Float32Array
    readonly midP: number
  }>
  private readonly lastCondition: Float64Array
  private folded = false

  constructor(weights: NamWaveNetWeights, private readonly wasm: WaveNetWasmExports) {
    checkShapes(weights)
    let at = align16(wasm.heapBase())
    const take = (floats: number): number => {
      const p = at
      at = align16(at + 4 * floats)
      return p
    }
    const arrays = weights.arrays
    const desc = take(16 + ARRAY_WORDS * arrays.length)
    const maxMid = Math.max(...arrays.map((a) => (a.gated ? 2 : 1) * pad4(a.channels)))
    const scratchZ = take(maxMid)
    const scratchA = take(Math.max(...arrays.map((a) => pad4(a.channels))))
    const io = take(WAVENET_WASM_BLOCK)
    const plan = arrays.map((a, i) => {
      const Cp = pad4(a.channels)
      // the first array's matrix holds the audio's row; the extra values' rows are folded into its bias
      const inP = i === 0 ? 1 : pad4(arrays[i - 1]!.channels)
      const Hp = pad4(a.headSize)
      const midP = (a.gated ? 2 : 1) * Cp
      return {
        Cp, inP, Hp, midP,
        rechannel: take(inP * Cp), rechannelBias: take(Cp), headRechannel: take(Cp * Hp), headBias: take(Hp),
        x: take(Cp), head: take(Cp), out: take(Hp), table: take(LAYER_WORDS * a.layers.length),
        layers: a.dilations.map((d) => {
          const len = (a.kernelSize - 1) * d + 1
          return { len, ring: take(len * Cp), conv: take(a.kernelSize * Cp * midP), bias: take(midP), mixer: take(midP), w1: take(Cp * Cp), b1: take(Cp) }
        })
      }
    })
    const pages = Math.ceil(at / 65536) - wasm.memory.buffer.byteLength / 65536
    if (pages > 0) wasm.memory.grow(pages)
    const f32 = new Float32Array(wasm.memory.buffer)
    const i32 = new Int32Array(wasm.memory.buffer)
    f32.fill(0, desc / 4, at / 4)

    const d = desc / 4
    i32[d] = arrays.length
    i32[d + 1] = io
    f32[d + 2] = weights.headScale
    i32[d + 3] = scratchZ
    i32[d + 4] = scratchA
    const rings: Array<{ from: number; to: number; word: number }> = []
    const extra = arrays[0]!.conditionSize - 1
    const folds: Array<{ at: number; raw: Float32Array; rows: Float32Array }> = []
    const films: Array<WasmNamWaveNetKernel["films"][number]> = []
    arrays.forEach((a, i) => {
      const p = plan[i]!
      const C = a.channels
      const cs = a.conditionSize
      const mid = (a.gated ? 2 : 1) * C
      /** Output channel m of a mid-sized block → its padded column (the gate half starts at Cp). */
      const midCol = (m: number): number => (m < C ? m : p.Cp + (m - C))
      i32.set([p.Cp, p.inP, p.Hp, a.kernelSize, a.gated ? 1 : 0, activationCode[a.activation], a.layers.length, p.rechannel, p.headRechannel, p.headBias, p.x, p.head, p.out, p.table, p.rechannelBias], d + 16 + ARRAY_WORDS * i)
      // rechannel [C][inputSize] → [inP][Cp]; the first array: the audio's row, the others folded
      for (let c = 0; c < C; c++) for (let j = 0; j < p.inP && j < a.inputSize; j++) f32[p.rechannel / 4 + j * p.Cp + c] = a.rechannel[c * a.inputSize + j]!
      if (i === 0 && extra > 0) {
        const rows = new Float32Array(extra * p.Cp)
        for (let j = 0; j < extra; j++) for (let c = 0; c < C; c++) rows[j * p.Cp + c] = a.rechannel[c * a.inputSize + 1 + j]!
        folds.push({ at: p.rechannelBias / 4, raw: new Float32Array(p.Cp), rows })
      }
      // head rechannel [headSize][C] → [Cp][Hp]
      for (let h = 0; h < a.headSize; h++) {
        for (let c = 0; c < C; c++) f32[p.headRechannel / 4 + c * p.Hp + h] = a.headRechannel[h * C + c]!
        f32[p.headBias / 4 + h] = a.headRechannelBias[h]!
      }
      a.layers.forEach((lw, li) => {
        const q = p.layers[li]!
        const K = a.kernelSize
        // conv [mid][C][K] → [K][Cp][midP]
        const rows = new Float32Array(extra * p.midP)
        for (let m = 0; m < mid; m++) {
          const col = midCol(m)
          for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) f32[q.conv / 4 + (k * p.Cp + c) * p.midP + col] = lw.conv[(m * C + c) * K + k]!
          f32[q.bias / 4 + col] = lw.convBias[m]!
          f32[q.mixer / 4 + col] = lw.mixer[m * cs]!
          for (let j = 0; j < extra; j++) rows[j * p.midP + col] = lw.mixer[m * cs + 1 + j]!
        }
        if (lw.film !== undefined) {
          // FiLM: the bias fold happens with the scaling, in fold()
          const gamma = new Float32Array(extra * p.midP)
          const beta = new Float32Array(extra * p.midP)
          for (let m = 0; m < mid; m++) {
            for (let j = 0; j < extra; j++) {
              gamma[j * p.midP + midCol(m)] = lw.film.gamma[m * extra + j]!
              beta[j * p.midP + midCol(m)] = lw.film.beta[m * extra + j]!
            }
          }
          films.push({
            conv: q.conv / 4,
            convRaw: f32.slice(q.conv / 4, q.conv / 4 + K * p.Cp * p.midP),
            mixer: q.mixer / 4,
            mixerRaw: f32.slice(q.mixer / 4, q.mixer / 4 + p.midP),
            bias: q.bias / 4,
            biasRaw: f32.slice(q.bias / 4, q.bias / 4 + p.midP),
            biasRows: rows,
            gamma,
            beta,
            midP: p.midP
          })
        } else if (extra > 0) folds.push({ at: q.bias / 4, raw: f32.slice(q.bias / 4, q.bias / 4 + p.midP), rows })
        // 1×1 [C][C] (out, in) → [in][out]
        for (let c = 0; c < C; c++) {
          for (let j = 0; j < C; j++) f32[q.w1 / 4 + j * p.Cp + c] = lw.oneByOne[c * C + j]!
          f32[q.b1 / 4 + c] = lw.oneByOneBias[c]!
        }
        const word = p.table / 4 + LAYER_WORDS * li
        i32.set([q.ring, q.len, 0, a.dilations[li]!, q.conv, q.bias, q.mixer, q.w1, q.b1], word)
        rings.push({ from: q.ring / 4, to: q.ring / 4 + q.len * p.Cp, word: word + 2 })
      })
    })
    this.f32 = f32
    this.i32 = i32
    this.io = io / 4
    this.desc = desc
    this.rings = rings
    this.folds = folds
    this.films = films
    this.lastCondition = new Float64Array(extra)
    this.warm = weights.zeroHistory === true ? 0 : namWaveNetReceptiveField(weights) - 1
    this.reset()
  }

  /**
   * Back to the state of endless silence (zero rings, then the receptive field of zeros run
   * through, extra conditioning values 0), or to zero rings with `zeroHistory`.
   */
  reset(): void {
    for (const r of this.rings) {
      this.f32.fill(0, r.from, r.to)
      this.i32[r.word] = 0
    }
    if (this.warm > 0) this.fold(new Float64Array(this.lastCondition.length))
    for (let left = this.warm; left > 0; left -= WAVENET_WASM_BLOCK) {
      const n = Math.min(WAVENET_WASM_BLOCK, left)
      this.f32.fill(0, this.io, this.io + n)
      this.wasm.process(this.desc, n)
    }
  }

  /** input → output (may be the same array); `condition`: the extra conditioning values (conditionSize − 1; none for NAM files). */
  process(input: Float32Array, output: Float32Array, condition: ArrayLike<number> = []): void {
    if (condition.length !== this.lastCondition.length) throw new Error(`NAM WaveNet: takes ${this.lastCondition.length} conditioning values, got ${condition.length}`)
    if (output.length < input.length) throw new Error(`NAM WaveNet: output has ${output.length} samples, input ${input.length}`)
    this.fold(condition)
    processThroughIo(this.f32, this.io, WAVENET_WASM_BLOCK, input, output, this.wasm.process, this.desc)
  }

  /** Each folded bias = its own bias + Σ value·row (in float64, stored as f32), when the values changed. */
  private fold(condition: ArrayLike<number>): void {
    const last = this.lastCondition
    let same = this.folded
    for (let j = 0; j < last.length && same; j++) same = last[j] === condition[j]
    if (same) return
    for (const { at, raw, rows } of this.folds) {
      for (let m = 0; m < raw.length; m++) {
        let s = raw[m]!
        for (let j = 0; j < last.length; j++) s += rows[j * raw.length + m]! * condition[j]!
        this.f32[at + m] = s
      }
    }
    for (const f of this.films) {
      const n = f.midP
      for (let col = 0; col < n; col++) {
        let g = 1
        let b = 0
        let bias = f.biasRaw[col]!
        for (let j = 0; j < last.length; j++) {
          g += f.gamma[j * n + col]! * condition[j]!
          b += f.beta[j * n + col]! * condition[j]!
          bias += f.biasRows[j * n + col]! * condition[j]!
        }
        this.f32[f.bias + col] = g * bias + b
        this.f32[f.mixer + col] = g * f.mixerRaw[col]!
        for (let r = col; r < f.convRaw.length; r += n) this.f32[f.conv + r] = g * f.convRaw[r]!
      }
    }
    for (let j = 0; j < last.length; j++) last[j] = condition[j]!
    this.folded = true
  }
}

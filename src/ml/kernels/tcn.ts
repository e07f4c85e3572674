/**
 * model.tcn (causal) as a streaming per-sample kernel in plain TypeScript, one ring buffer per
 * dilated block, and its WebAssembly SIMD twin's choice (./wasm/tcn-wasm.ts).
 *
 * A block i (dilation dᵢ, input h of cinᵢ channels, 1 for the audio): z = conv(h) + bias,
 * FiLM z ← γᵢ ⊙ z + βᵢ (γ = 1 + and β from the labels' MLP, constant within a call),
 * a = PReLU_α(z), h ← a + R·h (1×1, no bias). Output: tanh(w·h + b). Causal with zero
 * padding: the state before the first sample is zeros in every ring.
 */

/** One block's weights, tfjs layouts: conv [K·cin][C] (row j·cin + c: tap j of input c), res [cin][C]. */
export interface TcnBlockWeights {
  readonly inputSize: number
  readonly dilation: number
  readonly conv: Float32Array
  readonly bias: Float32Array
  readonly alpha: Float32Array
  readonly res: Float32Array
}

/** The FiLM generator: labels → hidden (ReLU) → 2·C per block (γ offset, β), tfjs [in][out]. */
export interface TcnFilmWeights {
  readonly labels: number
  readonly hidden: number
  readonly w1: Float32Array
  readonly b1: Float32Array
  readonly w2: Float32Array
  readonly b2: Float32Array
}

export interface TcnWeights {
  readonly kernelSize: number
  readonly channels: number
  readonly blocks: ReadonlyArray<TcnBlockWeights>
  readonly film: TcnFilmWeights | undefined
  /** [C] and the output bias. */
  readonly outKernel: Float32Array
  readonly outBias: number
}

/** γ and β of every block for these labels: [blocks][2][C] (γ = 1 + the MLP's first half). */
export const tcnFilm = (w: TcnWeights, labels: ArrayLike<number>): Float64Array => {
  const C = w.channels
  const out = new Float64Array(2 * C * w.blocks.length)
  const f = w.film
  if (f === undefined) {
    for (let i = 0; i < w.blocks.length; i++) out.fill(1, 2 * i * C, (2 * i + 1) * C)
    return out
  }
  const hidden = new Float64Array(f.hidden)
  for (let k = 0; k < f.hidden; k++) {
    let s = f.b1[k]!
    for (let j = 0; j < f.labels; j++) s += labels[j]! * f.w1[j * f.hidden + k]!
    hidden[k] = s > 0 ? s : 0
  }
  for (let o = 0; o < out.length; o++) {
    let s = f.b2[o]!
    for (let k = 0; k < f.hidden; k++) s += hidden[k]! * f.w2[k * out.length + o]!
    out[o] = s
  }
  for (let i = 0; i < w.blocks.length; i++) for (let m = 0; m < C; m++) out[2 * i * C + m]! += 1
  return out
}

export class TcnKernel {
  /** Which implementation runs. */
  readonly engine = "typed-array"
  private readonly rings: Float64Array[] // per block: [len][cin]
  private readonly lengths: number[]
  private position = 0
  private readonly h: Float64Array
  private readonly next: Float64Array
  private film: Float64Array
  private readonly lastLabels: Float64Array
  private filmFor = false

  constructor(private readonly weights: TcnWeights) {
    const K = weights.kernelSize
    this.lengths = weights.blocks.map((b) => (K - 1) * b.dilation + 1)
    this.rings = weights.blocks.map((b, i) => new Float64Array(this.lengths[i]! * b.inputSize))
    this.h = new Float64Array(Math.max(1, weights.channels))
    this.next = new Float64Array(weights.channels)
    this.lastLabels = new Float64Array(weights.film?.labels ?? 0)
    this.film = tcnFilm(weights, this.lastLabels)
  }

  /** Back to zero history. */
  reset(): void {
    for (const r of this.rings) r.fill(0)
    this.position = 0
  }

  /** input → output (may be the same array); `condition`: the normalised labels. */
  process(input: Float32Array, output: Float32Array, condition: ArrayLike<number> = []): void {
    const nLabels = this.lastLabels.length
    if (condition.length !== nLabels) throw new Error(`TCN kernel: takes ${nLabels} conditioning values, got ${condition.length}`)
    let same = this.filmFor
    for (let j = 0; j < nLabels && same; j++) same = this.lastLabels[j] === condition[j]
    if (!same) {
      for (let j = 0; j < nLabels; j++) this.lastLabels[j] = condition[j]!
      this.film = tcnFilm(this.weights, this.lastLabels)
      this.filmFor = true
    }
    const { h, next, film } = this
    const w = this.weights
    const K = w.kernelSize
    const C = w.channels
    for (let t = 0; t < input.length; t++) {
      h[0] = input[t]!
      for (let i = 0; i < w.blocks.length; i++) {
        const b = w.blocks[i]!
        const cin = b.inputSize
        const ring = this.rings[i]!
        const len = this.lengths[i]!
        const now = this.position % len
        for (let c = 0; c < cin; c++) ring[now * cin + c] = h[c]!
        for (let m = 0; m < C; m++) {
          let z = b.bias[m]!
          for (let j = 0; j < K; j++) {
            // tap j reads the input (K − 1 − j)·d samples ago
            const slot = (((this.position - (K - 1 - j) * b.dilation) % len) + len) % len
            for (let c = 0; c < cin; c++) z += b.conv[(j * cin + c) * C + m]! * ring[slot * cin + c]!
          }
          z = film[2 * i * C + m]! * z + film[(2 * i + 1) * C + m]!
          let s = z > 0 ? z : b.alpha[m]! * z
          for (let c = 0; c < cin; c++) s += b.res[c * C + m]! * h[c]!
          next[m] = s
        }
        for (let m = 0; m < C; m++) h[m] = next[m]!
      }
      let y = w.outBias
      for (let m = 0; m < C; m++) y += w.outKernel[m]! * h[m]!
      output[t] = Math.tanh(y)
      this.position++
    }
  }
}

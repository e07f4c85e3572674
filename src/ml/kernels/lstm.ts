/**
 * A per-sample LSTM (+ dense + skip) on plain typed arrays, for running trained model.rnn
 * weights at audio rate without tfjs. Gate order and equations as tfjs's LSTMCell with
 * recurrentActivation sigmoid: z = x·W + h·U + b; i, f, c̃, o = σ, σ, tanh, σ of the four
 * column blocks; c ← f·c + i·c̃; h ← o·tanh(c). State persists across `process` calls.
 * No allocation per sample; conditioning labels (constant per call) are folded into the bias.
 */
import { foldConditioning, layer0Rows, muLawCompand, sampleRows, restoreInitialState, rnnOutputSample, type RnnWeights, transpose } from "./weights.js"

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

export class LstmKernel {
  /** Which implementation runs (reported by `audioml process` and the bench). */
  readonly engine = "typed-array"
  private readonly h: Float64Array[]
  private readonly c: Float64Array[]
  private readonly w: Float64Array[] // [4H][in] per layer
  private readonly u: Float64Array[] // [4H][H]
  private readonly b: Float64Array[] // [4H], plus the conditioning term of layer 0
  private readonly z: Float64Array
  private readonly out: Float64Array
  /** The gain head's kernel (output = "gain"), else undefined. */
  private readonly gain: Float64Array | undefined

  constructor(private readonly weights: RnnWeights) {
    const hH = weights.hidden
    this.w = weights.layers.map((l, i) => transpose(l.kernel, i === 0 ? layer0Rows(weights) : hH, 4 * hH))
    this.u = weights.layers.map((l) => transpose(l.recurrent, hH, 4 * hH))
    this.b = weights.layers.map((l) => Float64Array.from(l.bias))
    this.h = weights.layers.map(() => new Float64Array(hH))
    this.c = weights.layers.map(() => new Float64Array(hH))
    this.z = new Float64Array(4 * hH)
    this.out = Float64Array.from(weights.outKernel)
    this.gain = weights.gain === undefined ? undefined : Float64Array.from(weights.gain.kernel)
    this.reset()
  }

  /** Restores the initial state (zeros, or the weights' `initialState`). */
  reset(): void {
    restoreInitialState(this.weights, this.h, this.c)
  }

  /**
   * input: dry samples; condition: the normalised labels (length inputSize − 1);
   * output: written in place (may be the same array as input).
   */
  process(input: Float32Array, output: Float32Array, condition: ArrayLike<number> = []): void {
    const H = this.weights.hidden
    const G = 4 * H
    const nIn = layer0Rows(this.weights)
    const mu = this.weights.muLaw
    const b0 = foldConditioning("LstmKernel", this.b[0]!, this.w[0]!, G, nIn, condition, sampleRows(this.weights))
    const z = this.z
    const layers = this.weights.layers.length
    const outK = this.out
    const gainK = this.gain
    for (let t = 0; t < input.length; t++) {
      const x = input[t]!
      for (let l = 0; l < layers; l++) {
        const w = this.w[l]!
        const u = this.u[l]!
        const b = l === 0 ? b0 : this.b[l]!
        const h = this.h[l]!
        const c = this.c[l]!
        if (l === 0) {
          const mx = mu === undefined ? 0 : muLawCompand(x, mu)
          for (let g = 0; g < G; g++) {
            let s = b[g]! + w[g * nIn]! * x
            if (mu !== undefined) s += w[g * nIn + 1]! * mx
            const row = g * H
            for (let k = 0; k < H; k++) s += u[row + k]! * h[k]!
            z[g] = s
          }
        } else {
          const below = this.h[l - 1]!
          for (let g = 0; g < G; g++) {
            let s = b[g]!
            const row = g * H
            for (let k = 0; k < H; k++) s += w[row + k]! * below[k]! + u[row + k]! * h[k]!
            z[g] = s
          }
        }
        for (let k = 0; k < H; k++) {
          const i = sigmoid(z[k]!)
          const f = sigmoid(z[H + k]!)
          const cc = Math.tanh(z[2 * H + k]!)
          const o = sigmoid(z[3 * H + k]!)
          const cn = f * c[k]! + i * cc
          c[k] = cn
          h[k] = o * Math.tanh(cn)
        }
      }
      output[t] = rnnOutputSample(this.weights, outK, gainK, this.h[layers - 1]!, x)
    }
  }
}

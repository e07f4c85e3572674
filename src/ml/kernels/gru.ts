/**
 * A per-sample GRU (+ dense + skip) on plain typed arrays, either cell, sigmoid gates:
 * - reset-before (tfjs's GRUCell; model.rnn GRUs stored before train stage 5):
 *   z = σ(x·Wz + h·Uz + bz), r = σ(x·Wr + h·Ur + br), h̃ = tanh(x·Wh + bh + (r⊙h)·Uh);
 * - reset-after (PyTorch, RTNeural, Keras reset_after=True), bias [2][3H] (input side, then
 *   recurrent side): z = σ(x·Wz + b_iz + h·Uz + b_hz), r likewise,
 *   h̃ = tanh(x·Wh + b_in + r⊙(h·Uh + b_hn));
 * then h ← z⊙h + (1 − z)⊙h̃. Column blocks of kernel/recurrent_kernel/bias are z, r, h.
 */
import { DataError } from "../../errors/audioml-error.js"
import { foldConditioning, layer0Rows, muLawCompand, sampleRows, restoreInitialState, rnnOutputSample, type RnnWeights, transpose } from "./weights.js"

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

export class GruKernel {
  /** Which implementation runs (reported by `audioml process` and the bench). */
  readonly engine = "typed-array"
  private readonly h: Float64Array[]
  private readonly w: Float64Array[] // [3H][in]
  private readonly u: Float64Array[] // [3H][H]
  private readonly b: Float64Array[] // input-side bias, 3H
  private readonly bRec: Float64Array[] // reset-after: recurrent-side bias, 3H
  private readonly xz: Float64Array // x·W + b, 3H
  private readonly rh: Float64Array // r ⊙ h (reset-before) or s_n (reset-after)
  private readonly zr: Float64Array // z, r gates, 2H
  private readonly out: Float64Array
  /** The gain head's kernel (output = "gain"), else undefined. */
  private readonly gain: Float64Array | undefined

  /** `resetAfter`: the reset-after cell (bias [2][3H]), else tfjs's reset-before cell (bias [3H]). */
  constructor(private readonly weights: RnnWeights, private readonly resetAfter = false) {
    const H = weights.hidden
    const G = 3 * H
    weights.layers.forEach((l, i) => {
      const expect = (resetAfter ? 2 : 1) * G
      if (l.bias.length !== expect) throw new DataError({ message: `GruKernel: layer ${i} bias has ${l.bias.length} values, expected ${expect} (${resetAfter ? "reset-after" : "reset-before"} cell)` })
    })
    this.w = weights.layers.map((l, i) => transpose(l.kernel, i === 0 ? layer0Rows(weights) : H, G))
    this.u = weights.layers.map((l) => transpose(l.recurrent, H, G))
    this.b = weights.layers.map((l) => Float64Array.from(l.bias.subarray(0, G)))
    this.bRec = weights.layers.map((l) => Float64Array.from(resetAfter ? l.bias.subarray(G, 2 * G) : new Float32Array(G)))
    this.h = weights.layers.map(() => new Float64Array(H))
    this.xz = new Float64Array(3 * H)
    this.rh = new Float64Array(H)
    this.zr = new Float64Array(2 * H)
    this.out = Float64Array.from(weights.outKernel)
    this.gain = weights.gain === undefined ? undefined : Float64Array.from(weights.gain.kernel)
    this.reset()
  }

  /** Restores the initial state (zeros, or the weights' `initialState`). */
  reset(): void {
    restoreInitialState(this.weights, this.h, [])
  }

  process(input: Float32Array, output: Float32Array, condition: ArrayLike<number> = []): void {
    const H = this.weights.hidden
    const G = 3 * H
    const nIn = layer0Rows(this.weights)
    const mu = this.weights.muLaw
    const b0 = foldConditioning("GruKernel", this.b[0]!, this.w[0]!, G, nIn, condition, sampleRows(this.weights))
    const { xz, rh, zr } = this
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
        if (l === 0) {
          const mx = mu === undefined ? 0 : muLawCompand(x, mu)
          for (let g = 0; g < G; g++) xz[g] = b[g]! + w[g * nIn]! * x + (mu === undefined ? 0 : w[g * nIn + 1]! * mx)
        } else {
          const below = this.h[l - 1]!
          for (let g = 0; g < G; g++) {
            let s = b[g]!
            const row = g * H
            for (let k = 0; k < H; k++) s += w[row + k]! * below[k]!
            xz[g] = s
          }
        }
        if (this.resetAfter) {
          const br = this.bRec[l]!
          for (let g = 0; g < 2 * H; g++) {
            let s = xz[g]! + br[g]!
            const row = g * H
            for (let k = 0; k < H; k++) s += u[row + k]! * h[k]!
            zr[g] = sigmoid(s)
          }
          // rh holds s_n = h·U_n + b_hn; every unit reads the old h, so update after.
          for (let k = 0; k < H; k++) {
            let s = br[2 * H + k]!
            const row = (2 * H + k) * H
            for (let j = 0; j < H; j++) s += u[row + j]! * h[j]!
            rh[k] = s
          }
          for (let k = 0; k < H; k++) {
            const hh = Math.tanh(xz[2 * H + k]! + zr[H + k]! * rh[k]!)
            const zk = zr[k]!
            h[k] = zk * h[k]! + (1 - zk) * hh
          }
          continue
        }
        for (let g = 0; g < 2 * H; g++) {
          let s = xz[g]!
          const row = g * H
          for (let k = 0; k < H; k++) s += u[row + k]! * h[k]!
          zr[g] = sigmoid(s)
        }
        for (let k = 0; k < H; k++) rh[k] = zr[H + k]! * h[k]!
        for (let k = 0; k < H; k++) {
          let s = xz[2 * H + k]!
          const row = (2 * H + k) * H
          for (let j = 0; j < H; j++) s += u[row + j]! * rh[j]!
          const hh = Math.tanh(s)
          const zk = zr[k]!
          // h[k] is read by rh only, already computed: safe to update in place.
          h[k] = zk * h[k]! + (1 - zk) * hh
        }
      }
      output[t] = rnnOutputSample(this.weights, outK, gainK, this.h[layers - 1]!, x)
    }
  }
}

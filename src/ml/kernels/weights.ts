import { DataError } from "../../errors/audioml-error.js"
/** Trained model.rnn weights as plain arrays, in tfjs's layouts (kernel [in, G·H], row-major). */
export interface RnnLayerWeights {
  /** [inputSize, G·H]: tfjs's `kernel`; gates are column blocks (LSTM i, f, c, o; GRU z, r, h). */
  readonly kernel: Float32Array
  /** [H, G·H]: tfjs's `recurrent_kernel`. */
  readonly recurrent: Float32Array
  /** [G·H]; the reset-after GRU's is [2][3H]: the input-side row, then the recurrent-side row. */
  readonly bias: Float32Array
}

export interface RnnWeights {
  readonly hidden: number
  readonly inputSize: number
  readonly layers: ReadonlyArray<RnnLayerWeights>
  /** [H] dense output kernel and its scalar bias. */
  readonly outKernel: Float32Array
  readonly outBias: number
  /** Add the dry input (channel 0) to the output. */
  readonly skip: boolean
  /**
   * model.rnn `output = "gain"`: the log-gain unit ([H] kernel, scalar bias). Present, the
   * output is x·exp(gain·h + gainBias) + (out·h + outBias), and `skip` is not used.
   */
  readonly gain?: { readonly kernel: Float32Array; readonly bias: number }
  /**
   * model.rnn `mu_law = μ`: layer 0 reads the dry sample μ-law companded as a second input
   * channel (row 1 of its kernel, the conditioning labels from row 2): `kernel` has
   * inputSize + 1 rows. Absent: none.
   */
  readonly muLaw?: number
  /**
   * The state `reset` restores, per layer ([H] each; LSTM uses h and c, GRU h). Absent:
   * zeros (our trained models). NAM's LSTM files carry a learnt initial state.
   */
  readonly initialState?: { readonly h: ReadonlyArray<Float32Array>; readonly c: ReadonlyArray<Float32Array> }
}

/** Sets every layer's state to the weights' initial state (zeros when it has none). */
export const restoreInitialState = (weights: RnnWeights, h: ReadonlyArray<Float64Array | Float32Array>, c: ReadonlyArray<Float64Array | Float32Array>): void => {
  h.forEach((a, l) => {
    a.fill(0)
    const init = weights.initialState?.h[l]
    if (init !== undefined) a.set(init)
  })
  c.forEach((a, l) => {
    a.fill(0)
    const init = weights.initialState?.c[l]
    if (init !== undefined) a.set(init)
  })
}

/**
 * Transposes a tfjs [rows, cols] kernel to [cols, rows] so each gate unit's weights are
 * contiguous: the per-sample loop then walks memory linearly.
 */
export const transpose = (m: Float32Array, rows: number, cols: number): Float64Array => {
  const out = new Float64Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!
  return out
}

/** Reads model.rnn weights from named arrays ("rnn0/kernel", ..., "out/kernel", "out/bias"). */
export const rnnWeightsFrom = (
  named: ReadonlyMap<string, Float32Array>,
  p: { readonly hidden: number; readonly layers: number; readonly skip: boolean; readonly output?: "sample" | "gain" | undefined; readonly mu_law?: number | undefined },
  inputSize: number
): RnnWeights => {
  const get = (name: string): Float32Array => {
    const v = named.get(name)
    if (v === undefined) throw new DataError({ message: `model.rnn weights: "${name}" is missing` })
    return v
  }
  const layers = Array.from({ length: p.layers }, (_, i) => ({
    kernel: get(`rnn${i}/kernel`),
    recurrent: get(`rnn${i}/recurrent_kernel`),
    bias: get(`rnn${i}/bias`)
  }))
  const kernel = get("out/kernel")
  const bias = get("out/bias")
  const muLaw = p.mu_law !== undefined ? { muLaw: p.mu_law } : {}
  if (p.output !== "gain") return { hidden: p.hidden, inputSize, layers, outKernel: kernel, outBias: bias[0]!, skip: p.skip, ...muLaw }
  // out/kernel [H, 2] row-major: column 0 the residual, column 1 the log gain
  if (kernel.length !== 2 * p.hidden || bias.length !== 2) throw new DataError({ message: `model.rnn weights: output = "gain" needs out/kernel [${p.hidden}, 2] and out/bias [2]` })
  const column = (c: number) => Float32Array.from({ length: p.hidden }, (_, k) => kernel[2 * k + c]!)
  return { hidden: p.hidden, inputSize, layers, outKernel: column(0), outBias: bias[0]!, skip: p.skip, gain: { kernel: column(1), bias: bias[1]! }, ...muLaw }
}

/**
 * Layer 0's bias with the constant conditioning inputs folded in: input j ≥ `firstCondition`
 * (default 1; sampleRows of the weights) of every sample is a label that does not change
 * within a call, so its weighted sum is a bias. `gates` rows of `nIn` weights each (the
 * kernel, gate-major).
 */
export const foldConditioning = (
  kernel: string,
  bias: Float64Array,
  w0: Float64Array,
  gates: number,
  nIn: number,
  condition: ArrayLike<number>,
  firstCondition = 1
): Float64Array => {
  const n = nIn - firstCondition
  if (condition.length !== n) throw new DataError({ message: `${kernel}: expected ${n} conditioning values, got ${condition.length}` })
  const folded = Float64Array.from(bias)
  for (let g = 0; g < gates; g++) for (let j = 0; j < n; j++) folded[g] += w0[g * nIn + firstCondition + j]! * condition[j]!
  return folded
}

/** Layer 0's per-sample input rows: the dry sample, and its μ-law companded copy when the weights have one (1 or 2). */
export const sampleRows = (weights: RnnWeights): number => (weights.muLaw !== undefined ? 2 : 1)

/** Layer 0's input rows: the per-sample rows (sampleRows), then the conditioning labels. */
export const layer0Rows = (weights: RnnWeights): number => weights.inputSize - 1 + sampleRows(weights)

/** μ-law companding, sign(x)·ln(1 + μ|x|)/ln(1 + μ): −40 dBFS (0.01) reads as 0.23 at μ = 255. */
export const muLawCompand = (x: number, mu: number): number => (x < 0 ? -1 : 1) * (Math.log1p(mu * Math.abs(x)) / Math.log1p(mu))

/**
 * The output sample of a per-sample kernel from the top layer's state `h`: out·h + outBias,
 * plus the dry sample x when `skip`; with a gain head (`output = "gain"`),
 * x·exp(gain·h + gainBias) + out·h + outBias.
 */
export const rnnOutputSample = (weights: RnnWeights, outKernel: ArrayLike<number>, gainKernel: ArrayLike<number> | undefined, h: ArrayLike<number>, x: number): number => {
  const H = weights.hidden
  let y = weights.outBias
  for (let k = 0; k < H; k++) y += outKernel[k]! * h[k]!
  if (gainKernel === undefined) return weights.skip ? y + x : y
  let g = weights.gain!.bias
  for (let k = 0; k < H; k++) g += gainKernel[k]! * h[k]!
  return x * Math.exp(g) + y
}

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
  p: { readonly hidden: number; readonly layers: number; readonly skip: boolean },
  inputSize: number
): RnnWeights => {
  const get = (name: string): Float32Array => {
    const v = named.get(name)
    if (v === undefined) throw new DataError({ message: `model.rnn weights: "${name}" is missing` })
    return v
  }
  return {
    hidden: p.hidden,
    inputSize,
    layers: Array.from({ length: p.layers }, (_, i) => ({
      kernel: get(`rnn${i}/kernel`),
      recurrent: get(`rnn${i}/recurrent_kernel`),
      bias: get(`rnn${i}/bias`)
    })),
    outKernel: get("out/kernel"),
    outBias: get("out/bias")[0]!,
    skip: p.skip
  }
}

/**
 * Layer 0's bias with the constant conditioning inputs folded in: input j ≥ 1 of every
 * sample is a label that does not change within a call, so its weighted sum is a bias.
 * `gates` rows of `nIn` weights each (the kernel, gate-major).
 */
export const foldConditioning = (
  kernel: string,
  bias: Float64Array,
  w0: Float64Array,
  gates: number,
  nIn: number,
  condition: ArrayLike<number>
): Float64Array => {
  if (condition.length !== nIn - 1) throw new DataError({ message: `${kernel}: expected ${nIn - 1} conditioning values, got ${condition.length}` })
  const folded = Float64Array.from(bias)
  for (let g = 0; g < gates; g++) for (let j = 1; j < nIn; j++) folded[g] += w0[g * nIn + j]! * condition[j - 1]!
  return folded
}

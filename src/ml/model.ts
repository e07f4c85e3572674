/**
 * What every audioml model is to the training loop, the serializer and the stages:
 * a set of named trainable tf.Variables plus a forward function written with tf ops.
 * model.rnn wraps a real tf.LayersModel (tfjs LSTM/GRU layers); the convolutional and
 * frame models are built from tfjs-core ops directly, because tfjs has no gradient for
 * dilated convolutions and no FiLM layer.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "./backend.js"
import { Rng } from "../params/rng.js"
import { InvariantViolation } from "../errors/audioml-error.js"

export type Tensor = tfTypes.Tensor

/**
 * - `recurrent`: audio in [B, T, C] → audio out [B, T, 1], with a state carried between calls.
 * - `convolutional`: audio in [B, T, C] → audio out [B, T, 1], causal (or centred) convolutions.
 * - `frames`: feature frames [B, F, D] → parameter vector [B, K].
 * - `vector`: features [B, D] → vector [B, K].
 */
export type ModelKind = "recurrent" | "convolutional" | "frames" | "vector"

/** Everything needed to rebuild a model before its weights are loaded. Stored in model.json. */
export interface ModelSpec {
  /** The TOML `uses` of the model ("model.rnn", ...). */
  readonly uses: string
  /** The model's params, validated, with defaults applied. */
  readonly params: Readonly<Record<string, unknown>>
  /** Values per input step: 1 audio channel + one per conditioning label, or the feature size. */
  readonly inputSize: number
  /** Frames per example for `frames` models (the regressor sees fixed-length feature clips). */
  readonly frames?: number
  /**
   * Outputs per target of a feature model, in target order: 1 for a regressed target, the
   * number of classes (logits) for a classified one. Absent: one regressed value each.
   */
  readonly outputs?: ReadonlyArray<number>
  readonly sampleRate?: number
  /** Seed of the initial weights. */
  readonly seed: number
}

export interface ForwardResult {
  readonly y: Tensor
  /** The recurrent state after the input, to pass to the next call (recurrent models only). */
  readonly state?: ReadonlyArray<Tensor>
}

export interface AudioModel {
  readonly spec: ModelSpec
  readonly kind: ModelKind
  /** Trainable variables by stable local name ("block0/conv/kernel", "rnn0/kernel"...). */
  readonly variables: ReadonlyMap<string, tfTypes.Variable>
  /** Left context in samples that an output sample depends on (convolutional models). */
  readonly receptiveField?: number
  /** Output size K of frame/vector models (1 for audio models). */
  readonly outputSize: number
  /** Forward pass. Call inside tf.tidy or an optimizer's minimize closure. */
  readonly apply: (x: Tensor, state?: ReadonlyArray<Tensor>, training?: boolean) => ForwardResult
  /** The zero state for a batch (recurrent models). */
  readonly zeroState?: (batch: number) => Tensor[]
  /** A plain description for logs and the README ("LSTM 16, skip", receptive field...). */
  readonly summary: string
  readonly dispose: () => void
}


let instanceCounter = 0

/**
 * Creates a model's variables with seeded initial values drawn from our Rng (never from
 * tfjs's own random ops), so that the same seed gives the same initial weight bytes on every
 * backend. tfjs variable names are global, so each instance gets a unique prefix; the map
 * keys stay stable.
 */
export class VariableSet {
  readonly variables = new Map<string, tfTypes.Variable>()
  private readonly prefix: string

  constructor(
    private readonly tf: Tf,
    private readonly rng: Rng
  ) {
    this.prefix = `audioml${++instanceCounter}`
  }

  private add(name: string, shape: number[], values: Float32Array): tfTypes.Variable {
    if (this.variables.has(name)) throw new InvariantViolation(`variable ${name} defined twice`)
    const v = this.tf.variable(this.tf.tensor(values, shape, "float32"), true, `${this.prefix}/${name}`)
    this.variables.set(name, v)
    return v
  }

  /** Glorot-uniform weights: U(±sqrt(6 / (fanIn + fanOut))), scaled by `gain`. */
  glorot(name: string, shape: number[], fanIn: number, fanOut: number, gain = 1): tfTypes.Variable {
    const limit = gain * Math.sqrt(6 / (fanIn + fanOut))
    const r = this.rng.fork(name)
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < values.length; i++) values[i] = r.uniform(-limit, limit)
    return this.add(name, shape, values)
  }

  constant(name: string, shape: number[], value: number): tfTypes.Variable {
    return this.add(name, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value))
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose()
  }
}

/** Glorot-uniform values for a weight of the given 2-D shape, from a named fork of rng. */
export const glorotValues = (rng: Rng, shape: ReadonlyArray<number>): Float32Array => {
  const fanIn = shape.length >= 2 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : shape[0]!
  const fanOut = shape[shape.length - 1]!
  const limit = Math.sqrt(6 / (fanIn + fanOut))
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit)
  return values
}

/**
 * A 1-D convolution over time with dilation, as shifted slices + one matmul. tfjs has no
 * gradient for dilated conv2d, so this is how the TCN and WaveNet layers train.
 * x: [B, T, Cin], kernel: [K·Cin, Cout] (tap-major), bias: [Cout] or undefined.
 * causal: output t sees x[t − (K−1)·d .. t]; otherwise the taps are centred.
 */
export const dilatedConv1d = (
  tf: Tf,
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | undefined,
  taps: number,
  dilation: number,
  causal: boolean
): Tensor => {
  const [b, t, cin] = x.shape as [number, number, number]
  const cout = kernel.shape[1]!
  let stacked: Tensor
  if (taps === 1) stacked = x
  else {
    const span = (taps - 1) * dilation
    const left = causal ? span : Math.floor(span / 2)
    const padded = tf.pad(x, [
      [0, 0],
      [left, span - left],
      [0, 0]
    ])
    const slices: Tensor[] = []
    for (let j = 0; j < taps; j++) slices.push(tf.slice(padded, [0, j * dilation, 0], [b, t, cin]))
    stacked = tf.concat(slices, 2)
  }
  let y = tf.matMul(tf.reshape(stacked, [b * t, taps * cin]), kernel)
  if (bias !== undefined) y = tf.add(y, bias)
  return tf.reshape(y, [b, t, cout])
}

/** A 1×1 convolution (pointwise dense over channels). x: [B, T, Cin], kernel [Cin, Cout]. */
export const pointwise = (tf: Tf, x: Tensor, kernel: Tensor, bias?: Tensor): Tensor => {
  const [b, t, cin] = x.shape as [number, number, number]
  let y = tf.matMul(tf.reshape(x, [b * t, cin]), kernel)
  if (bias !== undefined) y = tf.add(y, bias)
  return tf.reshape(y, [b, t, kernel.shape[1]!])
}

/** Reads a required array of conditioning labels from params (may be absent → []). */
export const conditionOf = (params: Readonly<Record<string, unknown>>): ReadonlyArray<string> => {
  const c = params["condition"]
  return Array.isArray(c) ? (c as string[]) : []
}

/**
 * Channel 0 (the dry audio) of [B, T, C] as [B, T, 1]. A matmul with a one-hot column rather
 * than a slice: tfjs-cpu slices non-contiguous regions element by element (~2 µs each).
 */
export const audioChannel = (tf: Tf, x: Tensor): Tensor => {
  const [b, t, c] = x.shape as [number, number, number]
  if (c === 1) return x
  const select = tf.oneHot(tf.tensor1d([0], "int32"), c).reshape([c, 1])
  return tf.reshape(tf.matMul(tf.reshape(x, [b * t, c]), select), [b, t, 1])
}

/**
 * The same dilated convolution on time-major input x: [T, B, Cin] → [T, B, Cout], built only
 * from ops that are fast on every backend, gradients included (tfjs-cpu's conv filter
 * gradient and its strided slices go element by element): pad the time axis and fold the
 * dilation into the batch, [Q·d, B, C] → [Q, d·B, C], where padded sample q·d + r is row q of
 * phase r. Tap j of a dilated convolution is then row q + j: a contiguous slice along the
 * first axis, one matmul per tap.
 */
export const dilatedConv1dTimeMajor = (
  tf: Tf,
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | undefined,
  taps: number,
  dilation: number,
  causal: boolean
): Tensor => {
  const [t, b, cin] = x.shape as [number, number, number]
  const cout = kernel.shape[1]!
  if (taps === 1) return pointwise(tf, x, kernel, bias)
  const d = dilation
  const span = (taps - 1) * d
  const left = causal ? span : Math.floor(span / 2)
  const q = Math.ceil((t + span) / d)
  const rows = q - taps + 1
  const phases = tf.reshape(
    tf.pad(x, [
      [left, q * d - t - left],
      [0, 0],
      [0, 0]
    ]),
    [q, d * b, cin]
  )
  let y: Tensor | undefined
  for (let j = 0; j < taps; j++) {
    const tap = tf.reshape(tf.slice(phases, [j, 0, 0], [rows, d * b, cin]), [rows * d * b, cin])
    const term = tf.matMul(tap, tf.slice(kernel, [j * cin, 0], [cin, cout]))
    y = y === undefined ? term : tf.add(y, term)
  }
  if (bias !== undefined) y = tf.add(y!, bias)
  const unfolded = tf.reshape(y!, [rows * d, b, cout])
  return unfolded.shape[0] === t ? unfolded : tf.slice(unfolded, [0, 0, 0], [t, b, cout])
}

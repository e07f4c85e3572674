/**
 * model.tcn — a micro-TCN (Steinmetz & Reiss 2021): blocks of dilated 1-D convolution →
 * FiLM (scale and shift from a small MLP on the conditioning labels) → PReLU, each with a
 * 1×1 residual connection; a 1×1 output convolution and tanh. The dilation of block i is
 * dilation_growth^i, so the receptive field is 1 + (kernel − 1)·Σ dilation_growth^i samples.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"
import { Rng } from "../../params/rng.js"
import { array, boolean, integer, object, string } from "../../params/schema.js"
import type { FastKernel, ModelDefinition } from "../model-definition.js"
import type { TcnWeights } from "../kernels/tcn.js"
import { tcnKernelFor } from "../kernels/tcn-kernel.js"
import { type AudioModel, type ModelSpec, type Tensor, VariableSet, audioChannel, conditionOf, dilatedConv1dTimeMajor, pointwise } from "../model.js"

export const tcnParams = object({
  blocks: integer({ description: "Convolution blocks", minimum: 1, maximum: 16, default: 4, distribution: false }),
  kernel: integer({ description: "Kernel size of each dilated convolution", minimum: 1, maximum: 31, default: 13, distribution: false }),
  dilation_growth: integer({ description: "Dilation of block i is dilation_growth^i", minimum: 1, maximum: 16, default: 4, distribution: false }),
  channels: integer({ description: "Channels of every block", minimum: 1, maximum: 256, default: 16, distribution: false }),
  causal: boolean({ description: "Causal convolutions (output t sees only the past); otherwise centred", default: true }),
  condition: array(string({ description: "Label name" }), {
    description: "Labels (normalised to [0, 1]) that drive FiLM scale/shift of every block",
    default: []
  })
})

export interface TcnParams {
  readonly blocks: number
  readonly kernel: number
  readonly dilation_growth: number
  readonly channels: number
  readonly causal: boolean
  readonly condition: ReadonlyArray<string>
}

export const tcnDefaults: TcnParams = { blocks: 4, kernel: 13, dilation_growth: 4, channels: 16, causal: true, condition: [] }

/** Receptive field in samples: 1 + (kernel − 1)·Σ_i growth^i. */
export const tcnReceptiveField = (p: Pick<TcnParams, "blocks" | "kernel" | "dilation_growth">): number => {
  let sum = 0
  for (let i = 0; i < p.blocks; i++) sum += p.dilation_growth ** i
  return 1 + (p.kernel - 1) * sum
}

const FILM_HIDDEN = 32

export const buildTcn = (tf: Tf, spec: ModelSpec): AudioModel => {
  const p = { ...tcnDefaults, ...spec.params } as TcnParams
  const cond = conditionOf(spec.params)
  const nCond = cond.length
  const vars = new VariableSet(tf, new Rng(spec.seed))
  const inAudio = 1
  const blocks = Array.from({ length: p.blocks }, (_, i) => {
    const cin = i === 0 ? inAudio : p.channels
    return {
      dilation: p.dilation_growth ** i,
      conv: vars.glorot(`block${i}/conv/kernel`, [p.kernel * cin, p.channels], p.kernel * cin, p.channels),
      convBias: vars.constant(`block${i}/conv/bias`, [p.channels], 0),
      alpha: vars.constant(`block${i}/prelu/alpha`, [p.channels], 0.25),
      res: vars.glorot(`block${i}/residual/kernel`, [cin, p.channels], cin, p.channels)
    }
  })
  // FiLM generator: labels → 32 → ReLU → 2·channels·blocks (γ offsets and β), γ = 1 + output.
  const film =
    nCond > 0
      ? {
          w1: vars.glorot("film/dense1/kernel", [nCond, FILM_HIDDEN], nCond, FILM_HIDDEN),
          b1: vars.constant("film/dense1/bias", [FILM_HIDDEN], 0),
          w2: vars.glorot("film/dense2/kernel", [FILM_HIDDEN, 2 * p.channels * p.blocks], FILM_HIDDEN, 2 * p.channels * p.blocks, 0.1),
          b2: vars.constant("film/dense2/bias", [2 * p.channels * p.blocks], 0)
        }
      : undefined
  const outKernel = vars.glorot("output/kernel", [p.channels, 1], p.channels, 1)
  const outBias = vars.constant("output/bias", [1], 0)
  const rf = tcnReceptiveField(p)

  const apply = (x: Tensor): { y: Tensor } => {
    const [b] = x.shape as [number, number, number]
    // Time-major inside ([T, B, C]): every time shift is then a contiguous block.
    const xt = tf.transpose(x, [1, 0, 2])
    let h = audioChannel(tf, xt)
    let filmParams: Tensor | undefined
    if (film !== undefined) {
      // Labels are constant over a segment: read them at the first step.
      const labels = tf.reshape(tf.slice(xt, [0, 0, 1], [1, b, nCond]), [b, nCond])
      const hidden = tf.relu(tf.add(tf.matMul(labels, film.w1), film.b1))
      filmParams = tf.reshape(tf.add(tf.matMul(hidden, film.w2), film.b2), [1, b, 2 * p.channels * p.blocks])
    }
    blocks.forEach((blk, i) => {
      let z = dilatedConv1dTimeMajor(tf, h, blk.conv, blk.convBias, p.kernel, blk.dilation, p.causal)
      if (filmParams !== undefined) {
        const gamma = tf.add(1, tf.slice(filmParams, [0, 0, 2 * i * p.channels], [1, b, p.channels]))
        const beta = tf.slice(filmParams, [0, 0, (2 * i + 1) * p.channels], [1, b, p.channels])
        z = tf.add(tf.mul(z, gamma), beta)
      }
      z = tf.prelu(z, blk.alpha)
      h = tf.add(z, pointwise(tf, h, blk.res))
    })
    return { y: tf.transpose(tf.tanh(pointwise(tf, h, outKernel, outBias)), [1, 0, 2]) }
  }

  const ms = spec.sampleRate !== undefined ? ` (${((1000 * rf) / spec.sampleRate).toFixed(1)} ms at ${spec.sampleRate} Hz)` : ""
  return {
    spec,
    kind: "convolutional",
    variables: vars.variables as ReadonlyMap<string, tfTypes.Variable>,
    receptiveField: rf,
    outputSize: 1,
    apply: (x) => apply(x),
    summary: `TCN ${p.blocks} blocks × ${p.channels} ch, kernel ${p.kernel}, growth ${p.dilation_growth}, ${p.causal ? "causal" : "centred"}, receptive field ${rf} samples${ms}${nCond > 0 ? `, FiLM on ${cond.join(", ")}` : ""}`,
    dispose: () => vars.dispose()
  }
}

/** A causal model.tcn's weights (tfjs layouts, by variable name) for the streaming TCN kernel. */
export const tcnKernelWeights = (params: Readonly<Record<string, unknown>>, inputSize: number, weights: ReadonlyMap<string, Float32Array>): TcnWeights => {
  const p = { ...tcnDefaults, ...params } as TcnParams
  const nCond = inputSize - 1
  const get = (name: string, size: number): Float32Array => {
    const w = weights.get(name)
    if (w === undefined || w.length !== size) throw new Error(`model.tcn: weight "${name}" is ${w === undefined ? "missing" : `${w.length} values, expected ${size}`}`)
    return w
  }
  const C = p.channels
  const blocks = Array.from({ length: p.blocks }, (_, i) => {
    const cin = i === 0 ? 1 : C
    return {
      inputSize: cin,
      dilation: p.dilation_growth ** i,
      conv: get(`block${i}/conv/kernel`, p.kernel * cin * C),
      bias: get(`block${i}/conv/bias`, C),
      alpha: get(`block${i}/prelu/alpha`, C),
      res: get(`block${i}/residual/kernel`, cin * C)
    }
  })
  const out = 2 * C * p.blocks
  const film =
    nCond > 0
      ? { labels: nCond, hidden: FILM_HIDDEN, w1: get("film/dense1/kernel", nCond * FILM_HIDDEN), b1: get("film/dense1/bias", FILM_HIDDEN), w2: get("film/dense2/kernel", FILM_HIDDEN * out), b2: get("film/dense2/bias", out) }
      : undefined
  return { kernelSize: p.kernel, channels: C, blocks, film, outKernel: get("output/kernel", C), outBias: get("output/bias", 1)[0]! }
}

/** model.tcn's streaming kernel (WASM SIMD, else TypeScript) when causal; a centred TCN sees the future and runs through tfjs. */
export const tcnFastKernel = (params: Readonly<Record<string, unknown>>, inputSize: number, weights: ReadonlyMap<string, Float32Array>): FastKernel | undefined => {
  if (!({ ...tcnDefaults, ...params } as TcnParams).causal) return undefined
  const kernel = tcnKernelFor(tcnKernelWeights(params, inputSize, weights))
  return { name: `${kernel.engine} TCN kernel`, kernel }
}

/** model.tcn: schema, builder and (causal) fast kernel; its files are the default weights-only model.json + weights.bin. */
export const tcnModel: ModelDefinition = {
  uses: "model.tcn",
  description: "micro-TCN: dilated convolutions, FiLM conditioning, PReLU, residual 1×1, tanh out",
  schema: tcnParams,
  kind: "convolutional",
  input: "audio",
  build: buildTcn,
  fastKernel: tcnFastKernel
}

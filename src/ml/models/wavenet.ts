/**
 * model.wavenet — the Neural Amp Modeler WaveNet (nam/models/wavenet.py) with the layer
 * layouts of NAM's trainer presets (nam/train/core.py `_get_wavenet_config`): two layer
 * arrays, kernel 3, tanh, not gated, head scale 0.02.
 *
 * A layer: z = dilated_conv(x) + input_mixer(condition); a = tanh(z);
 *          x ← x + 1×1(a); the head accumulates a.
 * A layer array: x ← rechannel(x) (1×1, no bias); layers; head_rechannel(Σ a) (1×1).
 * The second array's head sum starts from the first array's head output; the model's
 * output is head_scale × the last head output. The condition of every layer is the raw
 * input (audio + conditioning labels). Convolutions are causal with zero padding (NAM trims
 * the receptive field instead; the training loop treats the first samples as warm-up).
 *
 * Conditioning on labels, `conditioning`:
 * - "concat" (default, as above): the labels are extra input channels, seen by the first
 *   rechannel and every layer's input mixer (an additive, per-channel bias);
 * - "film": the rechannel and the mixers see the audio alone, and every layer's
 *   pre-activation is scaled and shifted by the labels, z ← (1 + G·labels) ⊙ z + F·labels
 *   (FiLM, Perez et al. 2018; G and F start at zero, so training starts from the unconditioned
 *   network). The streaming kernel runs it in TypeScript (the WebAssembly one has no FiLM).
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"
import { Rng } from "../../params/rng.js"
import { array, object, oneOf, string } from "../../params/schema.js"
import { withDefaults } from "../../params/values.js"
import type { FastKernel, ModelDefinition } from "../model-definition.js"
import type { NamWaveNetArray, NamWaveNetWeights } from "../kernels/nam-wavenet.js"
import { namWaveNetKernelFor } from "../kernels/wavenet-kernel.js"
import { type AudioModel, type ModelSpec, type Tensor, VariableSet, conditionOf, dilatedConv1dTimeMajor, pointwise } from "../model.js"

interface LayerArrayConfig {
  readonly channels: number
  readonly headSize: number
  readonly dilations: ReadonlyArray<number>
  readonly headBias: boolean
}

const SECOND_DILATIONS = [128, 256, 512, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
const FIRST_SHORT = [1, 2, 4, 8, 16, 32, 64]
const TEN = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

/** NAM presets: [first array, second array]. */
export const WAVENET_PRESETS: Readonly<Record<string, ReadonlyArray<LayerArrayConfig>>> = {
  standard: [
    { channels: 16, headSize: 8, dilations: TEN, headBias: false },
    { channels: 8, headSize: 1, dilations: TEN, headBias: true }
  ],
  lite: [
    { channels: 12, headSize: 6, dilations: FIRST_SHORT, headBias: false },
    { channels: 6, headSize: 1, dilations: SECOND_DILATIONS, headBias: true }
  ],
  feather: [
    { channels: 8, headSize: 4, dilations: FIRST_SHORT, headBias: false },
    { channels: 4, headSize: 1, dilations: SECOND_DILATIONS, headBias: true }
  ],
  nano: [
    { channels: 4, headSize: 2, dilations: FIRST_SHORT, headBias: false },
    { channels: 2, headSize: 1, dilations: SECOND_DILATIONS, headBias: true }
  ]
}

const KERNEL = 3
const HEAD_SCALE = 0.02

export const wavenetParams = object({
  preset: oneOf(["nano", "feather", "lite", "standard"], { description: "Neural Amp Modeler layer layout", default: "standard" }),
  condition: array(string({ description: "Label name" }), {
    description: "Labels (normalised to [0, 1]) the model is conditioned on (see conditioning)",
    default: []
  }),
  conditioning: oneOf(["concat", "film"], {
    description:
      '"concat": the labels are extra input channels, seen by every layer\'s input mixer; "film": every layer\'s pre-activation is scaled and shifted by a linear map of the labels (FiLM)',
    default: "concat"
  })
})

/** The resolved preset and conditioning of model.wavenet params; FiLM only with labels to condition on. */
const wavenetOptions = (params: Readonly<Record<string, unknown>>): { readonly preset: string; readonly film: boolean } => {
  const p = withDefaults(wavenetParams, params) as Record<string, unknown>
  return { preset: String(p["preset"]), film: p["conditioning"] === "film" && conditionOf(params).length > 0 }
}

/** Receptive field in samples: 1 + (kernel − 1)·Σ over all layers of the dilation. */
export const wavenetReceptiveField = (preset: string): number =>
  1 + (KERNEL - 1) * WAVENET_PRESETS[preset]!.reduce((a, la) => a + la.dilations.reduce((s, d) => s + d, 0), 0)

export const buildWavenet = (tf: Tf, spec: ModelSpec): AudioModel => {
  const { preset, film } = wavenetOptions(spec.params)
  const arrays = WAVENET_PRESETS[preset]!
  const cond = conditionOf(spec.params)
  const c = spec.inputSize
  const k = c - 1
  // FiLM: the rechannel and mixers see the audio alone (1 channel)
  const mixed = film ? 1 : c
  const vars = new VariableSet(tf, new Rng(spec.seed))
  const built = arrays.map((la, a) => {
    const inSize = a === 0 ? mixed : arrays[a - 1]!.channels
    return {
      la,
      rechannel: vars.glorot(`array${a}/rechannel/kernel`, [inSize, la.channels], inSize, la.channels),
      layers: la.dilations.map((d, l) => ({
        dilation: d,
        conv: vars.glorot(`array${a}/layer${l}/conv/kernel`, [KERNEL * la.channels, la.channels], KERNEL * la.channels, la.channels),
        convBias: vars.constant(`array${a}/layer${l}/conv/bias`, [la.channels], 0),
        mixer: vars.glorot(`array${a}/layer${l}/input_mixer/kernel`, [mixed, la.channels], mixed, la.channels),
        oneByOne: vars.glorot(`array${a}/layer${l}/1x1/kernel`, [la.channels, la.channels], la.channels, la.channels),
        oneByOneBias: vars.constant(`array${a}/layer${l}/1x1/bias`, [la.channels], 0),
        film: film
          ? { gamma: vars.constant(`array${a}/layer${l}/film/gamma`, [k, la.channels], 0), beta: vars.constant(`array${a}/layer${l}/film/beta`, [k, la.channels], 0) }
          : undefined
      })),
      head: vars.glorot(`array${a}/head_rechannel/kernel`, [la.channels, la.headSize], la.channels, la.headSize),
      headBias: la.headBias ? vars.constant(`array${a}/head_rechannel/bias`, [la.headSize], 0) : undefined
    }
  })
  const rf = wavenetReceptiveField(preset)

  // FiLM: constant selections of the audio channel and of the labels (a matmul, not a strided slice)
  const selectors = film
    ? {
        audio: tf.keep(tf.tensor2d(Float32Array.from({ length: c }, (_, i) => (i === 0 ? 1 : 0)), [c, 1])),
        labels: tf.keep(tf.tensor2d(Float32Array.from({ length: c * k }, (_, i) => (Math.floor(i / k) === (i % k) + 1 ? 1 : 0)), [c, k]))
      }
    : undefined

  const apply = (input: Tensor): { y: Tensor } => {
    // Time-major inside ([T, B, C]): every time shift is then a contiguous block.
    const x = tf.transpose(input, [1, 0, 2])
    const audio = selectors !== undefined ? pointwise(tf, x, selectors.audio) : x
    const labels = selectors !== undefined ? pointwise(tf, x, selectors.labels) : undefined
    let y = audio
    let headInput: Tensor | undefined
    for (const arr of built) {
      let h = pointwise(tf, y, arr.rechannel)
      let sum = headInput
      for (const layer of arr.layers) {
        let z = tf.add(dilatedConv1dTimeMajor(tf, h, layer.conv, layer.convBias, KERNEL, layer.dilation, true), pointwise(tf, audio, layer.mixer))
        if (layer.film !== undefined && labels !== undefined) {
          z = tf.add(tf.mul(tf.add(1, pointwise(tf, labels, layer.film.gamma)), z), pointwise(tf, labels, layer.film.beta))
        }
        const a = tf.tanh(z)
        h = tf.add(h, pointwise(tf, a, layer.oneByOne, layer.oneByOneBias))
        sum = sum === undefined ? a : tf.add(sum, a)
      }
      headInput = pointwise(tf, sum!, arr.head, arr.headBias)
      y = h
    }
    return { y: tf.transpose(tf.mul(HEAD_SCALE, headInput!), [1, 0, 2]) }
  }

  const params = [...vars.variables.values()].reduce((n, v) => n + v.size, 0)
  const ms = spec.sampleRate !== undefined ? ` (${((1000 * rf) / spec.sampleRate).toFixed(1)} ms)` : ""
  return {
    spec,
    kind: "convolutional",
    variables: vars.variables as ReadonlyMap<string, tfTypes.Variable>,
    receptiveField: rf,
    outputSize: 1,
    apply: (x) => apply(x),
    summary: `WaveNet ${preset} (NAM layout), ${params} weights, receptive field ${rf} samples${ms}${cond.length > 0 ? `, conditioned on ${cond.join(", ")}${film ? " by FiLM" : ""}` : ""}`,
    dispose: () => {
      vars.dispose()
      selectors?.audio.dispose()
      selectors?.labels.dispose()
    }
  }
}

/**
 * The weights of a model.wavenet (tfjs layouts, by variable name) in the streaming WaveNet
 * kernel's layout (NAM's, PyTorch Conv1d order), conditioned on [audio, ...labels], starting
 * from zero history as the zero-padded causal convolutions do.
 */
export const wavenetKernelWeights = (params: Readonly<Record<string, unknown>>, inputSize: number, weights: ReadonlyMap<string, Float32Array>): NamWaveNetWeights => {
  const { preset, film } = wavenetOptions(params)
  const layout = WAVENET_PRESETS[preset]
  if (layout === undefined) throw new Error(`model.wavenet: unknown preset "${preset}"`)
  const get = (name: string, size: number): Float32Array => {
    const w = weights.get(name)
    if (w === undefined || w.length !== size) throw new Error(`model.wavenet: weight "${name}" is ${w === undefined ? "missing" : `${w.length} values, expected ${size}`}`)
    return w
  }
  /** tfjs [in][out] → [out][in]. */
  const transpose = (w: Float32Array, rows: number, cols: number): Float32Array => {
    const t = new Float32Array(rows * cols)
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!
    return t
  }
  const extra = inputSize - 1
  /** FiLM's audio-only [rows][1] weights as [rows][inputSize], zero for the labels: the kernel's condition is [audio, ...labels]. */
  const audioColumn = (w: Float32Array, rows: number): Float32Array => {
    const out = new Float32Array(rows * inputSize)
    for (let r = 0; r < rows; r++) out[r * inputSize] = w[r]!
    return out
  }
  const arrays = layout.map((la, a): NamWaveNetArray => {
    const C = la.channels
    const inSize = a === 0 ? inputSize : layout[a - 1]!.channels
    const rechannel = film && a === 0 ? audioColumn(get(`array${a}/rechannel/kernel`, C), C) : transpose(get(`array${a}/rechannel/kernel`, inSize * C), inSize, C)
    return {
      inputSize: inSize,
      conditionSize: inputSize,
      headSize: la.headSize,
      channels: C,
      kernelSize: KERNEL,
      dilations: la.dilations,
      activation: "Tanh",
      gated: false,
      headBias: la.headBias,
      rechannel,
      layers: la.dilations.map((_, l) => {
        // conv kernel [K·C][C]: row j·C + c is tap j (reading j·d samples after the oldest) of input c
        const k = get(`array${a}/layer${l}/conv/kernel`, KERNEL * C * C)
        const conv = new Float32Array(C * C * KERNEL)
        for (let j = 0; j < KERNEL; j++) for (let c = 0; c < C; c++) for (let m = 0; m < C; m++) conv[(m * C + c) * KERNEL + j] = k[(j * C + c) * C + m]!
        return {
          conv,
          convBias: get(`array${a}/layer${l}/conv/bias`, C),
          mixer: film ? audioColumn(get(`array${a}/layer${l}/input_mixer/kernel`, C), C) : transpose(get(`array${a}/layer${l}/input_mixer/kernel`, inputSize * C), inputSize, C),
          oneByOne: transpose(get(`array${a}/layer${l}/1x1/kernel`, C * C), C, C),
          oneByOneBias: get(`array${a}/layer${l}/1x1/bias`, C),
          // FiLM [labels][C] → [C][labels]
          ...(film
            ? { film: { gamma: transpose(get(`array${a}/layer${l}/film/gamma`, extra * C), extra, C), beta: transpose(get(`array${a}/layer${l}/film/beta`, extra * C), extra, C) } }
            : {})
        }
      }),
      headRechannel: transpose(get(`array${a}/head_rechannel/kernel`, C * la.headSize), C, la.headSize),
      headRechannelBias: la.headBias ? get(`array${a}/head_rechannel/bias`, la.headSize) : new Float32Array(la.headSize)
    }
  })
  return { arrays, headScale: HEAD_SCALE, zeroHistory: true }
}

/** model.wavenet's streaming kernel (WASM SIMD, else TypeScript): the network as tfjs computes it, sample by sample. */
export const wavenetFastKernel = (params: Readonly<Record<string, unknown>>, inputSize: number, weights: ReadonlyMap<string, Float32Array>): FastKernel => {
  const kernel = namWaveNetKernelFor(wavenetKernelWeights(params, inputSize, weights))
  return { name: `${kernel.engine} WaveNet kernel`, kernel }
}

/** model.wavenet: schema, builder and fast kernel; its files are the default weights-only model.json + weights.bin. */
export const wavenetModel: ModelDefinition = {
  uses: "model.wavenet",
  description: "Neural Amp Modeler WaveNet presets (nano, feather, lite, standard), conditioned on labels by concatenation or FiLM",
  schema: wavenetParams,
  kind: "convolutional",
  input: "audio",
  build: buildWavenet,
  fastKernel: wavenetFastKernel
}

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
    description: "Labels (normalised to [0, 1]) appended to the input, seen by every layer's input mixer",
    default: []
  })
})

/** Receptive field in samples: 1 + (kernel − 1)·Σ over all layers of the dilation. */
export const wavenetReceptiveField = (preset: string): number =>
  1 + (KERNEL - 1) * WAVENET_PRESETS[preset]!.reduce((a, la) => a + la.dilations.reduce((s, d) => s + d, 0), 0)

export const buildWavenet = (tf: Tf, spec: ModelSpec): AudioModel => {
  const preset = String((withDefaults(wavenetParams, spec.params) as Record<string, unknown>)["preset"])
  const arrays = WAVENET_PRESETS[preset]!
  const cond = conditionOf(spec.params)
  const c = spec.inputSize
  const vars = new VariableSet(tf, new Rng(spec.seed))
  const built = arrays.map((la, a) => {
    const inSize = a === 0 ? c : arrays[a - 1]!.channels
    return {
      la,
      rechannel: vars.glorot(`array${a}/rechannel/kernel`, [inSize, la.channels], inSize, la.channels),
      layers: la.dilations.map((d, l) => ({
        dilation: d,
        conv: vars.glorot(`array${a}/layer${l}/conv/kernel`, [KERNEL * la.channels, la.channels], KERNEL * la.channels, la.channels),
        convBias: vars.constant(`array${a}/layer${l}/conv/bias`, [la.channels], 0),
        mixer: vars.glorot(`array${a}/layer${l}/input_mixer/kernel`, [c, la.channels], c, la.channels),
        oneByOne: vars.glorot(`array${a}/layer${l}/1x1/kernel`, [la.channels, la.channels], la.channels, la.channels),
        oneByOneBias: vars.constant(`array${a}/layer${l}/1x1/bias`, [la.channels], 0)
      })),
      head: vars.glorot(`array${a}/head_rechannel/kernel`, [la.channels, la.headSize], la.channels, la.headSize),
      headBias: la.headBias ? vars.constant(`array${a}/head_rechannel/bias`, [la.headSize], 0) : undefined
    }
  })
  const rf = wavenetReceptiveField(preset)

  const apply = (input: Tensor): { y: Tensor } => {
    // Time-major inside ([T, B, C]): every time shift is then a contiguous block.
    const x = tf.transpose(input, [1, 0, 2])
    let y = x
    let headInput: Tensor | undefined
    for (const arr of built) {
      let h = pointwise(tf, y, arr.rechannel)
      let sum = headInput
      for (const layer of arr.layers) {
        const z = tf.add(dilatedConv1dTimeMajor(tf, h, layer.conv, layer.convBias, KERNEL, layer.dilation, true), pointwise(tf, x, layer.mixer))
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
    summary: `WaveNet ${preset} (NAM layout), ${params} weights, receptive field ${rf} samples${ms}${cond.length > 0 ? `, conditioned on ${cond.join(", ")}` : ""}`,
    dispose: () => vars.dispose()
  }
}

/**
 * The weights of a model.wavenet (tfjs layouts, by variable name) in the streaming WaveNet
 * kernel's layout (NAM's, PyTorch Conv1d order), conditioned on [audio, ...labels], starting
 * from zero history as the zero-padded causal convolutions do.
 */
export const wavenetKernelWeights = (params: Readonly<Record<string, unknown>>, inputSize: number, weights: ReadonlyMap<string, Float32Array>): NamWaveNetWeights => {
  const preset = String((withDefaults(wavenetParams, params) as Record<string, unknown>)["preset"])
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
  const arrays = layout.map((la, a): NamWaveNetArray => {
    const C = la.channels
    const inSize = a === 0 ? inputSize : layout[a - 1]!.channels
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
      rechannel: transpose(get(`array${a}/rechannel/kernel`, inSize * C), inSize, C),
      layers: la.dilations.map((_, l) => {
        // conv kernel [K·C][C]: row j·C + c is tap j (reading j·d samples after the oldest) of input c
        const k = get(`array${a}/layer${l}/conv/kernel`, KERNEL * C * C)
        const conv = new Float32Array(C * C * KERNEL)
        for (let j = 0; j < KERNEL; j++) for (let c = 0; c < C; c++) for (let m = 0; m < C; m++) conv[(m * C + c) * KERNEL + j] = k[(j * C + c) * C + m]!
        return {
          conv,
          convBias: get(`array${a}/layer${l}/conv/bias`, C),
          mixer: transpose(get(`array${a}/layer${l}/input_mixer/kernel`, inputSize * C), inputSize, C),
          oneByOne: transpose(get(`array${a}/layer${l}/1x1/kernel`, C * C), C, C),
          oneByOneBias: get(`array${a}/layer${l}/1x1/bias`, C)
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
  description: "Neural Amp Modeler WaveNet presets (nano, feather, lite, standard)",
  schema: wavenetParams,
  kind: "convolutional",
  input: "audio",
  build: buildWavenet,
  fastKernel: wavenetFastKernel
}

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
import type { ModelDefinition } from "../model-definition.js"
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

/** model.wavenet: schema and builder; its files are the default weights-only model.json + weights.bin, and it runs through tfjs. */
export const wavenetModel: ModelDefinition = {
  uses: "model.wavenet",
  description: "Neural Amp Modeler WaveNet presets (nano, feather, lite, standard)",
  schema: wavenetParams,
  kind: "convolutional",
  input: "audio",
  build: buildWavenet
}

/**
 * model.tone_embedding — the siamese tone encoder: 1-D convolutions (kernel 3, ReLU) over
 * feature frames, mean and max pooling over time, a hidden dense layer and a linear
 * projection to `dim` values, L2-normalised (so squared distances lie in [0, 4]).
 * Input [B, frames, features] → [B, dim]; a group of G clips per example
 * [B, G, frames, features] (the anchor/positive pairs loss.triplet trains on) → [B, G, dim],
 * every clip through the same weights.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"
import { Rng } from "../../params/rng.js"
import { array, integer, object, string } from "../../params/schema.js"
import { withDefaults } from "../../params/values.js"
import type { ModelDefinition } from "../model-definition.js"
import { type AudioModel, type ModelSpec, type Tensor, VariableSet, dilatedConv1d } from "../model.js"

export const toneEmbeddingParams = object({
  dim: integer({ description: "Embedding size", minimum: 2, maximum: 1024, default: 64, distribution: false }),
  conv_channels: array(integer({ description: "Channels", minimum: 1, maximum: 512, distribution: false }), {
    description: "Channels of each 1-D convolution over frames (kernel 3, ReLU; every second one with dilation 2)",
    default: [64, 64],
    minItems: 1
  }),
  hidden: integer({ description: "Units of the dense layer after pooling", minimum: 1, maximum: 4096, default: 128, distribution: false }),
  identity: string({
    description: "Item label whose equal values mark the same tone (positives) and different values other tones (negatives); default: the synth preset's key",
    default: "synth.preset_key",
    minLength: 1
  })
})

const CONV_KERNEL = 3

export const buildToneEmbedding = (tf: Tf, spec: ModelSpec): AudioModel => {
  const p = withDefaults(toneEmbeddingParams, spec.params) as Record<string, unknown>
  const dim = Number(p["dim"])
  const channels = p["conv_channels"] as number[]
  const hidden = Number(p["hidden"])
  const vars = new VariableSet(tf, new Rng(spec.seed))
  const convs = channels.map((ch, i) => {
    const cin = i === 0 ? spec.inputSize : channels[i - 1]!
    return {
      kernel: vars.glorot(`conv${i}/kernel`, [CONV_KERNEL * cin, ch], CONV_KERNEL * cin, ch),
      bias: vars.constant(`conv${i}/bias`, [ch], 0),
      dilation: i % 2 === 0 ? 1 : 2
    }
  })
  const c = channels[channels.length - 1]!
  const hiddenKernel = vars.glorot("hidden/kernel", [2 * c, hidden], 2 * c, hidden)
  const hiddenBias = vars.constant("hidden/bias", [hidden], 0)
  const outKernel = vars.glorot("embedding/kernel", [hidden, dim], hidden, dim)
  const outBias = vars.constant("embedding/bias", [dim], 0)

  const embed = (x: Tensor): Tensor => {
    let h = x
    for (const conv of convs) h = tf.relu(dilatedConv1d(tf, h, conv.kernel, conv.bias, CONV_KERNEL, conv.dilation, false))
    const pooled = tf.concat([tf.mean(h, 1), tf.max(h, 1)], 1)
    const z = tf.relu(tf.add(tf.matMul(pooled, hiddenKernel), hiddenBias))
    const e = tf.add(tf.matMul(z, outKernel), outBias)
    return tf.div(e, tf.add(tf.norm(e, 2, 1, true), 1e-8))
  }

  return {
    spec,
    kind: "frames",
    variables: vars.variables as ReadonlyMap<string, tfTypes.Variable>,
    outputSize: dim,
    apply: (x) => {
      if (x.rank === 3) return { y: embed(x) }
      const [b, g, f, d] = x.shape as [number, number, number, number]
      return { y: tf.reshape(embed(tf.reshape(x, [b * g, f, d])), [b, g, dim]) }
    },
    summary: `Tone embedding: conv ${channels.join("→")}, mean+max pool, dense ${hidden} → ${dim}, L2-normalised`,
    dispose: () => vars.dispose()
  }
}

/** model.tone_embedding: schema and builder; default weights-only files, runs through tfjs. */
export const toneEmbeddingModel: ModelDefinition = {
  uses: "model.tone_embedding",
  description: "Siamese tone encoder (conv + pooling → L2-normalised embedding) trained with loss.triplet on same-tone pairs",
  schema: toneEmbeddingParams,
  kind: "frames",
  input: "frames",
  learns: "identity",
  build: buildToneEmbedding
}

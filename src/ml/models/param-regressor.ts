/**
 * model.param_regressor — the Parameter Predictor: a CNN over feature frames (mel, plus F0
 * and loudness when present), a bidirectional LSTM over the frames, a latent dense layer and
 * an output layer: for each target named in `targets`, one sigmoid value (a regressed
 * parameter, normalised to [0, 1]) or, where the spec's `outputs` gives it n > 1 classes, n
 * logits (a classified enum: waveform, filter type; loss.param takes their cross-entropy).
 * Input [B, frames, features] → output [B, Σ outputs] (= [B, targets.length] without classes).
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"
import { Rng } from "../../params/rng.js"
import { array, integer, object, string } from "../../params/schema.js"
import { withDefaults } from "../../params/values.js"
import type { ModelDefinition } from "../model-definition.js"
import { ModelError } from "../../errors/audioml-error.js"
import { lstmSequenceOp } from "../kernels/rnn-train-ops.js"
import { type AudioModel, type ModelSpec, type Tensor, VariableSet, dilatedConv1d } from "../model.js"

export const paramRegressorParams = object(
  {
    conv_channels: array(integer({ description: "Channels", minimum: 1, maximum: 512, distribution: false }), {
      description: "Channels of each 1-D convolution over frames (kernel 3, ReLU)",
      default: [32, 32],
      minItems: 1
    }),
    lstm_hidden: integer({ description: "Hidden units of each direction of the bidirectional LSTM", minimum: 1, maximum: 512, default: 64, distribution: false }),
    latent: integer({ description: "Size of the latent dense layer", minimum: 1, maximum: 2048, default: 128, distribution: false }),
    targets: array(string({ description: "Label name" }), { description: "Labels to predict (normalised to [0, 1])", minItems: 1 })
  },
  { required: ["targets"] }
)

const CONV_KERNEL = 3

/** One LSTM direction over [B, F, Din] (the fused op, gate order i, f, c, o as tfjs). Returns the last h. */
const lstmLast = (tf: Tf, op: ReturnType<typeof lstmSequenceOp>, x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor, hidden: number, reverse: boolean): Tensor => {
  const [b, f] = x.shape as [number, number, number]
  const zeros = tf.zeros([b, hidden])
  const out = op(reverse ? tf.reverse(x, 1) : x, kernel, recurrent, bias, zeros, zeros)
  // The final h block follows the B·F sequence rows.
  return tf.slice(out, [b * f, 0], [b, hidden])
}

export const buildParamRegressor = (tf: Tf, spec: ModelSpec): AudioModel => {
  const p = withDefaults(paramRegressorParams, spec.params) as Record<string, unknown>
  const convChannels = p["conv_channels"] as number[]
  const hidden = Number(p["lstm_hidden"])
  const latent = Number(p["latent"])
  const targets = (p["targets"] as string[] | undefined) ?? []
  const widths = spec.outputs ?? targets.map(() => 1)
  if (widths.length !== targets.length) throw new ModelError({ message: `model.param_regressor: ${widths.length} output widths for ${targets.length} targets` })
  const k = widths.reduce((a, b) => a + b, 0)
  // 1 where an output column is a regressed value (sigmoid), 0 where it is a class logit
  const regressed = Float32Array.from(widths.flatMap((w) => Array.from({ length: w }, () => (w === 1 ? 1 : 0))))
  const allRegressed = regressed.every((v) => v === 1)
  const vars = new VariableSet(tf, new Rng(spec.seed))
  const lstmOp = lstmSequenceOp(tf)
  const convs = convChannels.map((ch, i) => {
    const cin = i === 0 ? spec.inputSize : convChannels[i - 1]!
    return {
      kernel: vars.glorot(`conv${i}/kernel`, [CONV_KERNEL * cin, ch], CONV_KERNEL * cin, ch),
      bias: vars.constant(`conv${i}/bias`, [ch], 0)
    }
  })
  const cLast = convChannels[convChannels.length - 1]!
  const dirs = (["forward", "backward"] as const).map((dir) => {
    const bias = vars.constant(`lstm_${dir}/bias`, [4 * hidden], 0)
    return {
      kernel: vars.glorot(`lstm_${dir}/kernel`, [cLast, 4 * hidden], cLast, 4 * hidden),
      recurrent: vars.glorot(`lstm_${dir}/recurrent_kernel`, [hidden, 4 * hidden], hidden, 4 * hidden),
      bias
    }
  })
  const latentKernel = vars.glorot("latent/kernel", [2 * hidden, latent], 2 * hidden, latent)
  const latentBias = vars.constant("latent/bias", [latent], 0)
  const outKernel = vars.glorot("output/kernel", [latent, k], latent, k)
  const outBias = vars.constant("output/bias", [k], 0)
  // Forget-gate bias 1, as the rnn model.
  for (const d of dirs) {
    const v = new Float32Array(4 * hidden)
    v.fill(1, hidden, 2 * hidden)
    d.bias.assign(tf.tensor1d(v))
  }

  return {
    spec,
    kind: "frames",
    variables: vars.variables as ReadonlyMap<string, tfTypes.Variable>,
    outputSize: k,
    apply: (x) => {
      let h = x
      for (const conv of convs) h = tf.relu(dilatedConv1d(tf, h, conv.kernel, conv.bias, CONV_KERNEL, 1, false))
      const fw = lstmLast(tf, lstmOp, h, dirs[0]!.kernel, dirs[0]!.recurrent, dirs[0]!.bias, hidden, false)
      const bw = lstmLast(tf, lstmOp, h, dirs[1]!.kernel, dirs[1]!.recurrent, dirs[1]!.bias, hidden, true)
      const z = tf.relu(tf.add(tf.matMul(tf.concat([fw, bw], 1), latentKernel), latentBias))
      const out = tf.add(tf.matMul(z, outKernel), outBias)
      if (allRegressed) return { y: tf.sigmoid(out) }
      const mask = tf.tensor1d(regressed)
      return { y: tf.add(tf.mul(tf.sigmoid(out), mask), tf.mul(out, tf.sub(1, mask))) }
    },
    summary:
      `Parameter regressor: conv ${convChannels.join("→")}, BiLSTM 2×${hidden}, latent ${latent} → ` +
      `${widths.filter((w) => w === 1).length} regressed + ${widths.filter((w) => w > 1).length} classified of ${targets.length} targets`,
    dispose: () => vars.dispose()
  }
}

/** model.param_regressor: schema and builder; its files are the default weights-only model.json + weights.bin, and it runs through tfjs. */
export const paramRegressorModel: ModelDefinition = {
  uses: "model.param_regressor",
  description: "CNN + bidirectional LSTM over feature frames → normalised effect/synth parameters",
  schema: paramRegressorParams,
  kind: "frames",
  input: "frames",
  classifies: true,
  build: buildParamRegressor
}

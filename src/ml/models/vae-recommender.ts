/**
 * model.vae_recommender — a variational autoencoder over preset parameter vectors (the
 * normalised values of `targets`). Encoder: dense layers (ReLU) → mean μ and log-variance
 * of a `latent`-dimensional Gaussian; decoder: dense layers (ReLU) → sigmoid parameters.
 * Input [B, K] (K = targets) → output [B, K + 2·latent]: the reconstruction, μ and log σ²
 * (loss.vae reads all three). While training, the decoder sees z = μ + σ·ε with ε drawn from
 * an Rng seeded by the model's seed, the batch and the current weights (so a resumed run
 * draws what an uninterrupted one does); otherwise z = μ. Input [B, latent] (latent < K) decodes latent
 * points only → [B, K]: how `audioml recommend` turns moves in the latent space into presets.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"
import { Rng } from "../../params/rng.js"
import { array, integer, object, string } from "../../params/schema.js"
import { withDefaults } from "../../params/values.js"
import type { ModelDefinition } from "../model-definition.js"
import { type AudioModel, type ModelSpec, type Tensor, VariableSet } from "../model.js"
import { ModelError } from "../../errors/audioml-error.js"

export const vaeRecommenderParams = object(
  {
    latent: integer({ description: "Size of the latent space (fewer than the targets)", minimum: 1, maximum: 256, default: 8, distribution: false }),
    hidden: array(integer({ description: "Units", minimum: 1, maximum: 4096, distribution: false }), {
      description: "Units of each hidden layer of the encoder (the decoder mirrors them)",
      default: [128, 64]
    }),
    targets: array(string({ description: "Label name" }), { description: "The parameters of a preset vector (normalised to [0, 1])", minItems: 2 })
  },
  { required: ["targets"] }
)

/** FNV-1a over the bits of float32 values, continuing from `seed`: a 32-bit seed for an Rng. */
const hashFloats = (values: Float32Array, seed: number): number => {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length)
  let h = (seed ^ 0x811c9dc5) >>> 0
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193) >>> 0
  return h
}

export const buildVaeRecommender = (tf: Tf, spec: ModelSpec): AudioModel => {
  const p = withDefaults(vaeRecommenderParams, spec.params) as Record<string, unknown>
  const latent = Number(p["latent"])
  const hidden = p["hidden"] as number[]
  const k = ((p["targets"] as string[] | undefined) ?? []).length
  if (latent >= k) throw new ModelError({ message: `model.vae_recommender: latent (${latent}) must be smaller than the number of targets (${k})` })
  const vars = new VariableSet(tf, new Rng(spec.seed))
  const noiseSeed = new Rng(spec.seed).fork("reparameterisation").seed
  const dense = (name: string, nIn: number, nOut: number) => ({ kernel: vars.glorot(`${name}/kernel`, [nIn, nOut], nIn, nOut), bias: vars.constant(`${name}/bias`, [nOut], 0) })
  const encSizes = [k, ...hidden]
  const encoder = hidden.map((n, i) => dense(`encoder${i}`, encSizes[i]!, n))
  const h = encSizes[encSizes.length - 1]!
  const mean = dense("mean", h, latent)
  const logVar = dense("log_var", h, latent)
  const decSizes = [latent, ...[...hidden].reverse()]
  const decoder = decSizes.slice(1).map((n, i) => dense(`decoder${i}`, decSizes[i]!, n))
  const output = dense("output", decSizes[decSizes.length - 1]!, k)
  const apply1 = (x: Tensor, l: { kernel: Tensor; bias: Tensor }) => tf.add(tf.matMul(x, l.kernel), l.bias)
  const decode = (z: Tensor): Tensor => {
    let d = z
    for (const l of decoder) d = tf.relu(apply1(d, l))
    return tf.sigmoid(apply1(d, output))
  }
  return {
    spec,
    kind: "vector",
    variables: vars.variables as ReadonlyMap<string, tfTypes.Variable>,
    outputSize: k + 2 * latent,
    apply: (x, _state, training) => {
      const width = x.shape[x.shape.length - 1]
      if (width === latent) return { y: decode(x) }
      if (width !== k) throw new ModelError({ message: `model.vae_recommender takes ${k} parameters (or ${latent} latent values), got ${width}` })
      let e = x
      for (const l of encoder) e = tf.relu(apply1(e, l))
      const mu = apply1(e, mean)
      const lv = tf.clipByValue(apply1(e, logVar), -10, 10)
      let z = mu
      if (training === true) {
        const b = x.shape[0]!
        // ε is a function of what a checkpoint restores — the batch and the current weights of
        // the mean layer — not of how many batches this process has drawn before: a resumed run
        // draws the ε of an uninterrupted one (a stream of draws would restart at resume)
        const rng = new Rng(hashFloats(mean.kernel.dataSync() as Float32Array, hashFloats(x.dataSync() as Float32Array, noiseSeed)))
        const eps = tf.tensor(Float32Array.from({ length: b * latent }, () => rng.normal()), [b, latent])
        z = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps))
      }
      return { y: tf.concat([decode(z), mu, lv], 1) }
    },
    summary: `VAE recommender: ${k} parameters → ${hidden.join("→")} → latent ${latent} → ${[...hidden].reverse().join("→")} → ${k}`,
    dispose: () => vars.dispose()
  }
}

/** model.vae_recommender: schema and builder; default weights-only files, runs through tfjs. */
export const vaeRecommenderModel: ModelDefinition = {
  uses: "model.vae_recommender",
  description: "Variational autoencoder over preset parameter vectors: presets near a preset, interpolation, moves along attribute directions",
  schema: vaeRecommenderParams,
  kind: "vector",
  input: "vector",
  learns: "vectors",
  build: buildVaeRecommender
}

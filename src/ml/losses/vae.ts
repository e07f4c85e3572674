/**
 * loss.vae — the VAE objective on [B, K + 2L] outputs of model.vae_recommender
 * (reconstruction, μ, log σ²) against the [B, K] input vectors:
 * mean over the batch of  mean_k err(x_k, x̂_k) + β · KL(N(μ, σ²) ‖ N(0, 1)) / K,
 * KL = −½ Σ_l (1 + log σ²_l − μ_l² − σ²_l); err is |·| (mae) or (·)² (mse).
 */
import type { Tf } from "../backend.js"
import { number, object, oneOf } from "../../params/schema.js"
import { type Loss, type LossContext } from "./loss.js"
import { LossError } from "../../errors/audioml-error.js"

export const vaeLossParams = object({
  beta: number({ description: "Weight β of the KL term", minimum: 0, default: 0.5, distribution: false }),
  error: oneOf(["mae", "mse"], { description: "Reconstruction error", default: "mse" })
})

export const makeVaeLoss = (tf: Tf, params: { readonly beta?: number; readonly error?: "mae" | "mse" }, ctx: LossContext): Loss => {
  const k = (ctx.targets ?? []).length
  if (k === 0) throw new LossError({ message: "loss.vae needs a model with targets (model.vae_recommender)" })
  const beta = params.beta ?? 0.5
  const squared = (params.error ?? "mse") === "mse"
  return {
    name: "loss.vae",
    fn: (y, out) => {
      const [b, width] = out.shape as [number, number]
      const l = (width - k) / 2
      if (!Number.isInteger(l) || l < 1) throw new LossError({ message: `loss.vae expects [batch, ${k} + 2·latent] (reconstruction, mean, log-variance), got [${out.shape.join(", ")}]` })
      const recon = tf.slice(out, [0, 0], [b, k])
      const mu = tf.slice(out, [0, k], [b, l])
      const lv = tf.slice(out, [0, k + l], [b, l])
      const diff = tf.sub(y, recon)
      const rec = tf.mean(squared ? tf.square(diff) : tf.abs(diff))
      const kl = tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, lv), tf.square(mu)), tf.exp(lv)), 1)))
      return tf.add(rec, tf.mul(beta / k, kl))
    },
    dispose: () => {}
  }
}

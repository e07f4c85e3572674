/**
 * loss.param — the parameter-prediction loss with component weights: per parameter k the
 * mean absolute error over the batch, combined as Σ w_k·MAE_k / Σ w_k. Parameters not listed
 * in `weights` have weight 1. Target and prediction are [B, K] normalised labels.
 */
import type { Tf } from "../backend.js"
import { number, object, record } from "../../params/schema.js"
import { type Loss, type LossContext,} from "./loss.js"
import { LossError } from "../../errors/audioml-error.js"

export const paramLossParams = object({
  weights: record(number({ description: "Weight", minimum: 0, distribution: false }), {
    description: "Weight of each predicted label (default 1 each)",
    default: {}
  })
})

export const makeParamLoss = (tf: Tf, params: { readonly weights?: Readonly<Record<string, number>> }, ctx: LossContext): Loss => {
  const targets = ctx.targets ?? []
  const weights = params.weights ?? {}
  for (const label of Object.keys(weights)) {
    if (!targets.includes(label)) throw new LossError({ message: `loss.param weights.${label}: not one of the model's targets (${targets.join(", ") || "none"})` })
  }
  const w = Float32Array.from(targets, (t) => weights[t] ?? 1)
  const total = w.reduce((a, b) => a + b, 0)
  if (targets.length === 0 || total <= 0) throw new LossError({ message: "loss.param needs a model with targets and a positive total weight" })
  const wT = tf.keep(tf.tensor1d(w.map((v) => v / total)))
  return {
    name: "loss.param",
    fn: (y, yhat) => tf.sum(tf.mul(tf.mean(tf.abs(tf.sub(y, yhat)), 0), wT)),
    dispose: () => wT.dispose()
  }
}

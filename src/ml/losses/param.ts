/**
 * loss.param — the parameter-prediction loss with component weights. Per target k: the mean
 * absolute (or squared) error over the batch of a regressed target, or the cross-entropy of
 * a classified one (its `targetWidths[k]` logits against the class round(y·(n − 1)) of the
 * normalised label y). Combined as Σ w_k·L_k / Σ w_k with
 * w_k = weights[name] (default 1) × group_weights[group of k] (default 1).
 * Target [B, K] normalised labels; prediction [B, Σ widths].
 */
import type { Tf } from "../backend.js"
import { number, object, oneOf, record } from "../../params/schema.js"
import { type Loss, type LossContext } from "./loss.js"
import { LossError } from "../../errors/audioml-error.js"
import type { Tensor } from "../model.js"

export const paramLossParams = object({
  weights: record(number({ description: "Weight", minimum: 0, distribution: false }), {
    description: "Weight of each predicted label (default 1 each)",
    default: {}
  }),
  group_weights: record(number({ description: "Weight", minimum: 0, distribution: false }), {
    description: 'Weight of each component group of synth parameters, e.g. { oscillators = 2, filter = 2, envelopes = 1, effects = 0.5 } (default 1 each); multiplies `weights`',
    default: {}
  }),
  error: oneOf(["mae", "mse"], { description: "Error of regressed targets: mean absolute or mean squared", default: "mae" })
})

export interface ParamLossParams {
  readonly weights?: Readonly<Record<string, number>>
  readonly group_weights?: Readonly<Record<string, number>>
  readonly error?: "mae" | "mse"
}

/** The normalised weight of each target (Σ = 1); throws a LossError naming a weight that matches no target or group. */
export const paramLossWeights = (params: ParamLossParams, ctx: LossContext): Float32Array => {
  const targets = ctx.targets ?? []
  const weights = params.weights ?? {}
  const groupWeights = params.group_weights ?? {}
  for (const label of Object.keys(weights)) {
    if (!targets.includes(label)) throw new LossError({ message: `loss.param weights.${label}: not one of the model's targets (${targets.join(", ") || "none"})` })
  }
  const groups = ctx.targetGroups ?? []
  for (const g of Object.keys(groupWeights)) {
    if (!groups.includes(g)) throw new LossError({ message: `loss.param group_weights.${g}: no target is in group "${g}" (groups: ${[...new Set(groups.filter((x) => x !== undefined))].join(", ") || "none"})` })
  }
  const w = Float32Array.from(targets, (t, k) => (weights[t] ?? 1) * (groupWeights[groups[k] ?? ""] ?? 1))
  const total = w.reduce((a, b) => a + b, 0)
  if (targets.length === 0 || total <= 0) throw new LossError({ message: "loss.param needs a model with targets and a positive total weight" })
  return w.map((v) => v / total)
}

export const makeParamLoss = (tf: Tf, params: ParamLossParams, ctx: LossContext): Loss => {
  const targets = ctx.targets ?? []
  const w = paramLossWeights(params, ctx)
  const widths = ctx.targetWidths ?? targets.map(() => 1)
  if (widths.length !== targets.length) throw new LossError({ message: `loss.param: ${widths.length} output widths for ${targets.length} targets` })
  const squared = params.error === "mse"
  const classified = widths.some((n) => n > 1)
  const wT = tf.keep(tf.tensor1d(w))
  if (!classified) {
    return {
      name: "loss.param",
      fn: (y, yhat) => tf.sum(tf.mul(tf.mean(squared ? tf.square(tf.sub(y, yhat)) : tf.abs(tf.sub(y, yhat)), 0), wT)),
      dispose: () => wT.dispose()
    }
  }
  const offsets: number[] = []
  widths.reduce((o, n) => (offsets.push(o), o + n), 0)
  return {
    name: "loss.param",
    fn: (y, yhat) => {
      const b = y.shape[0]!
      const terms: Tensor[] = targets.map((_, k) => {
        const n = widths[k]!
        const yk = tf.slice(y, [0, k], [b, 1])
        const out = tf.slice(yhat, [0, offsets[k]!], [b, n])
        if (n === 1) return tf.mean(squared ? tf.square(tf.sub(yk, out)) : tf.abs(tf.sub(yk, out)))
        const cls = tf.cast(tf.reshape(tf.round(tf.mul(tf.clipByValue(yk, 0, 1), n - 1)), [b]), "int32")
        const oneHot = tf.oneHot(cls, n)
        return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(out), oneHot), 1)))
      })
      return tf.sum(tf.mul(tf.stack(terms), wT))
    },
    dispose: () => wT.dispose()
  }
}

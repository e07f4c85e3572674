/**
 * loss.triplet — the triplet margin loss max(0, ||a − p||² − ||a − n||² + margin), mean
 * over the anchors, in two forms:
 * - `mining = "none"`: embeddings [B, 3, D] arranged (anchor, positive, negative); the
 *   target is ignored.
 * - `mining = "hard"`: embeddings [B, 2, D] of (anchor, positive) pairs of the same tone and
 *   a target [B, 1] holding each pair's identity (any number, equal for the same tone). Each
 *   anchor's negative is mined from the batch: the closest of the other 2B − 2 embeddings
 *   whose identity differs (batch-hard mining, Hermans et al. 2017, "In Defense of the
 *   Triplet Loss"). Anchors with no such embedding in the batch contribute 0.
 */
import type { Tf } from "../backend.js"
import { number, object, oneOf } from "../../params/schema.js"
import { type Loss } from "./loss.js"
import { LossError } from "../../errors/audioml-error.js"

export const tripletParams = object({
  margin: number({ description: "Margin between positive and negative squared distances", minimum: 0, default: 1, distribution: false }),
  mining: oneOf(["none", "hard"], {
    description: '"none": given (anchor, positive, negative) triplets [B, 3, D]; "hard": (anchor, positive) pairs [B, 2, D] with identities as the target, the hardest negative of each anchor mined from the batch',
    default: "none"
  })
})

/** Large distance given to same-identity pairs so the minimum over negatives skips them. */
const EXCLUDED = 1e9

export const makeTriplet = (tf: Tf, params: { readonly margin?: number; readonly mining?: "none" | "hard" }): Loss => {
  const margin = params.margin ?? 1
  const hard = params.mining === "hard"
  return {
    name: hard ? "loss.triplet (batch-hard)" : "loss.triplet",
    fn: (target, prediction) => {
      const groups = hard ? 2 : 3
      if (prediction.rank !== 3 || prediction.shape[1] !== groups) {
        throw new LossError({
          message: hard
            ? `loss.triplet with mining = "hard" expects embeddings shaped [batch, 2, dim] (anchor, positive), got [${prediction.shape.join(", ")}]`
            : `loss.triplet expects embeddings shaped [batch, 3, dim] (anchor, positive, negative), got [${prediction.shape.join(", ")}]`
        })
      }
      const [b, , d] = prediction.shape as [number, number, number]
      const part = (i: number) => tf.reshape(tf.slice(prediction, [0, i, 0], [b, 1, d]), [b, d])
      const a = part(0)
      const p = part(1)
      const dp = tf.sum(tf.square(tf.sub(a, p)), 1)
      if (!hard) {
        const dn = tf.sum(tf.square(tf.sub(a, part(2))), 1)
        return tf.mean(tf.relu(tf.add(tf.sub(dp, dn), margin)))
      }
      // squared distances of every anchor to all 2B embeddings: |a|² + |e|² − 2 a·e
      const all = tf.concat([a, p], 0)
      const aa = tf.sum(tf.square(a), 1, true)
      const ee = tf.reshape(tf.sum(tf.square(all), 1), [1, 2 * b])
      const dist = tf.relu(tf.sub(tf.add(aa, ee), tf.mul(2, tf.matMul(a, all, false, true))))
      const id = tf.reshape(target, [b])
      const ids = tf.concat([id, id], 0)
      const same = tf.cast(tf.equal(tf.reshape(id, [b, 1]), tf.reshape(ids, [1, 2 * b])), "float32")
      const dn = tf.min(tf.add(dist, tf.mul(same, EXCLUDED)), 1)
      // from the identities only (no gradient flows through a comparison)
      const has = tf.cast(tf.less(tf.sum(same, 1), 2 * b), "float32")
      return tf.div(tf.sum(tf.mul(tf.relu(tf.add(tf.sub(dp, dn), margin)), has)), tf.maximum(tf.sum(has), 1))
    },
    dispose: () => {}
  }
}

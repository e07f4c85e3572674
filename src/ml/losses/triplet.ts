/**
 * loss.triplet — for embeddings arranged [B, 3, D] as (anchor, positive, negative):
 * mean over the batch of max(0, ||a − p||² − ||a − n||² + margin). The target is ignored.
 */
import type { Tf } from "../backend.js"
import { number, object } from "../../params/schema.js"
import { type Loss,} from "./loss.js"
import { LossError } from "../../errors/audioml-error.js"

export const tripletParams = object({
  margin: number({ description: "Margin between positive and negative squared distances", minimum: 0, default: 1, distribution: false })
})

export const makeTriplet = (tf: Tf, params: { readonly margin?: number }): Loss => {
  const margin = params.margin ?? 1
  return {
    name: "loss.triplet",
    fn: (_target, prediction) => {
      if (prediction.rank !== 3 || prediction.shape[1] !== 3) {
        throw new LossError({ message: `loss.triplet expects embeddings shaped [batch, 3, dim] (anchor, positive, negative), got [${prediction.shape.join(", ")}]` })
      }
      const [b, , d] = prediction.shape as [number, number, number]
      const part = (i: number) => tf.reshape(tf.slice(prediction, [0, i, 0], [b, 1, d]), [b, d])
      const a = part(0)
      const dp = tf.sum(tf.square(tf.sub(a, part(1))), 1)
      const dn = tf.sum(tf.square(tf.sub(a, part(2))), 1)
      return tf.mean(tf.relu(tf.add(tf.sub(dp, dn), margin)))
    },
    dispose: () => {}
  }
}

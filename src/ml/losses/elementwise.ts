/**
 * loss.l1 (mean |y − ŷ|), loss.mse (mean (y − ŷ)²) and loss.dc (Wright et al.'s DC loss:
 * per item (mean(y − ŷ))² / (mean(y²) + ε), averaged over the batch).
 */
import type { Tf } from "../backend.js"
import { object } from "../../params/schema.js"
import { EPS, type Loss, asBatchTime } from "./loss.js"

export const noParams = object({})

export const makeL1 = (tf: Tf): Loss => ({
  name: "loss.l1",
  fn: (y, yhat) => tf.mean(tf.abs(tf.sub(y, yhat))),
  dispose: () => {}
})

export const makeMse = (tf: Tf): Loss => ({
  name: "loss.mse",
  fn: (y, yhat) => tf.mean(tf.square(tf.sub(y, yhat))),
  dispose: () => {}
})

export const makeDc = (tf: Tf): Loss => ({
  name: "loss.dc",
  fn: (target, prediction) => {
    const y = asBatchTime(tf, target)
    const yhat = asBatchTime(tf, prediction)
    return tf.mean(tf.div(tf.square(tf.mean(tf.sub(y, yhat), 1)), tf.add(tf.mean(tf.square(y), 1), EPS)))
  },
  dispose: () => {}
})

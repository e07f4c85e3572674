/**
 * Differentiable dynamics.compressor: the same log-domain design as the DSP effect
 * (src/effects/dynamics/compressor.ts, Giannoulis, Massberg & Reiss 2012) —
 * level 20·log10|x| (floored at 2^-24, −144 dB, as the DSP level table), the quadratic-knee
 * gain computer, the gain reduction smoothed by the smooth branching peak detector, then
 * x · 10^((makeup − reduction)/20).
 *
 * The smoothing is the exact recursion, not a frequency-domain approximation: one op runs
 * y[n] = a_n y[n−1] + (1 − a_n) r[n] in double precision, a_n the attack coefficient where
 * the reduction rises and the release coefficient where it falls (the larger / smaller of both
 * candidates, as the DSP detector picks). Its gradient is the adjoint recursion run backwards,
 * λ[n] = g[n] + a_{n+1} λ[n+1]: dr[n] = (1 − a_n) λ[n], and each coefficient collects
 * Σ λ[n] (y[n−1] − r[n]) over the samples that used it. That is exact, O(n), keeps attack and
 * release apart (a single frequency-domain low-pass, as DeepAFx-ST uses, has only one time
 * constant), and has no circular wrap-around to pad against.
 */
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import type { DifferentiableEffect } from "./effect.js"

const LN10_OVER_20 = Math.log(10) / 20
/** −144 dB and +96 dB: the DSP level table's range (2^-24 .. 2^16). */
const MIN_LEVEL = Math.pow(2, -24)
const MAX_LEVEL = Math.pow(2, 16)

/**
 * The branching one-pole smoother over a 1-D tensor `r` with pole tensors `attack`
 * (used while the input is above the state) and `release`, differentiable in all three.
 */
export const branchingSmooth = (tf: Tf, r: Tensor, attack: Tensor, release: Tensor): Tensor => {
  const op = tf.customGrad((...args) => {
    const [input, aA, aR] = args as Tensor[] as [Tensor, Tensor, Tensor]
    const x = input.dataSync() as Float32Array
    const a = aA.dataSync()[0]!
    const b = aR.dataSync()[0]!
    const n = x.length
    const y = new Float64Array(n)
    const usedAttack = new Uint8Array(n)
    const attackFaster = a <= b
    let state = 0
    for (let i = 0; i < n; i++) {
      const up = a * state + (1 - a) * x[i]!
      const down = b * state + (1 - b) * x[i]!
      const pickUp = attackFaster ? up >= down : up <= down
      usedAttack[i] = pickUp ? 1 : 0
      state = pickUp ? up : down
      y[i] = state
    }
    return {
      value: tf.tensor1d(Float32Array.from(y)),
      gradFunc: (dy: Tensor) => {
        const g = dy.dataSync() as Float32Array
        const dx = new Float32Array(n)
        let gA = 0
        let gR = 0
        let lambda = 0
        for (let i = n - 1; i >= 0; i--) {
          const next = i + 1 < n ? (usedAttack[i + 1] ? a : b) : 0
          lambda = g[i]! + next * lambda
          const coef = usedAttack[i] ? a : b
          dx[i] = (1 - coef) * lambda
          const d = lambda * ((i > 0 ? y[i - 1]! : 0) - x[i]!)
          if (usedAttack[i]) gA += d
          else gR += d
        }
        return [tf.tensor1d(dx), tf.scalar(gA), tf.scalar(gR)]
      }
    }
  })
  return op(r, attack, release)
}

/**
 * exp(−1/(ms · 0.001 · fs)) as a tensor, as timeCoefficient in src/dsp/envelope.ts; ms <= 0
 * gives exp(−huge) = 0 (no smoothing), also without a branch.
 */
const poleOf = (tf: Tf, ms: Tensor, sampleRate: number): Tensor => tf.exp(tf.div(-1000 / sampleRate, tf.maximum(ms, 1e-9)))

/**
 * Gain reduction (dB, >= 0) of the quadratic-knee gain computer for levels `levelDb`, as
 * compressionReductionDb in src/effects/dynamics/gain-computer.ts. Both branches are
 * computed and selected with tf.where, so the knee branch divides by max(W, 1e-6): a hard
 * knee (W = 0) must not put 0/0 into the gradient of the branch it does not take.
 */
export const reductionDb = (tf: Tf, levelDb: Tensor, threshold: Tensor, ratio: Tensor, knee: Tensor): Tensor => {
  const over = tf.sub(levelDb, threshold)
  const slope = tf.sub(1, tf.div(1, ratio))
  const k = tf.add(over, tf.div(knee, 2))
  const inKnee = tf.div(tf.mul(slope, tf.square(k)), tf.mul(2, tf.maximum(knee, 1e-6)))
  const above = tf.mul(over, slope)
  // which branch applies is read from the values (a constant mask: comparisons have no gradient)
  const twiceOver = tf.tensor(tf.mul(over, 2).dataSync(), over.shape)
  const w = knee.dataSync()[0]!
  return tf.where(tf.lessEqual(twiceOver, -w), tf.zerosLike(over), tf.where(tf.less(twiceOver, w), inKnee, above))
}

export const differentiableCompressor: DifferentiableEffect = {
  uses: "dynamics.compressor",
  unsupported: (params) =>
    params["detector"] === "decoupled" ? 'detector = "decoupled" has no differentiable version (the branching detector has)' : undefined,
  apply: (x, param, _params, { tf, sampleRate }) => {
    const level = tf.mul(tf.log(tf.clipByValue(tf.abs(x), MIN_LEVEL, MAX_LEVEL)), 1 / LN10_OVER_20)
    const r = reductionDb(tf, level, param("threshold_db"), param("ratio"), param("knee_db"))
    const smoothed = branchingSmooth(tf, r, poleOf(tf, param("attack_ms"), sampleRate), poleOf(tf, param("release_ms"), sampleRate))
    return tf.mul(x, tf.exp(tf.mul(tf.sub(param("makeup_db"), smoothed), LN10_OVER_20)))
  }
}

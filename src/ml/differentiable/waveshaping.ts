/**
 * Differentiable distortion.tanh and gain. A drive stage as DeepAFx-ST-style chains write it
 * — pre-gain, tanh, tone, post-gain — is the chain
 * `gain → distortion.tanh → eq.highshelf (or eq.lowpass) → gain`, each item the twin of its
 * DSP effect, so every part keeps the DSP names and ranges (distortion.tanh's own
 * `drive_db` is the pre-gain into the curve).
 *
 * distortion.tanh: y = (1 − mix)·x + mix·tanh(10^(drive_db/20)·x), at the signal's rate.
 * The DSP effect's `oversample` > 1 runs the same curve at a higher rate to reduce
 * aliasing; the twin ignores it, so with oversampling the twin is an approximation (close
 * for material well below Nyquist/oversample), which is all an optimiser needs: the final
 * audio is always rendered by the DSP chain.
 */
import type { DifferentiableEffect } from "./effect.js"

const LN10_OVER_20 = Math.log(10) / 20

export const differentiableTanh: DifferentiableEffect = {
  uses: "distortion.tanh",
  apply: (x, param, _params, { tf }) => {
    const wet = tf.tanh(tf.mul(x, tf.exp(tf.mul(param("drive_db"), LN10_OVER_20))))
    const mix = param("mix")
    return tf.add(tf.mul(tf.sub(1, mix), x), tf.mul(mix, wet))
  }
}

export const differentiableGain: DifferentiableEffect = {
  uses: "gain",
  apply: (x, param, _params, { tf }) => tf.mul(x, tf.exp(tf.mul(param("gain_db"), LN10_OVER_20)))
}

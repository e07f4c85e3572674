/**
 * Differentiable reverb.noise (src/effects/reverb/noise-reverb.ts): the same octave-band
 * noise (drawn from the same random stream as the DSP effect, so both build the same
 * impulse response), each band scaled by 10^(gain_b/20) · exp(−ln(1000)·t/rt60_b) in tfjs,
 * summed, and convolved with the signal by FFT (zero-padded past the linear-convolution
 * length, so nothing wraps around): differentiable in every band's RT60 and level, and mix.
 */
import { nextPow2 } from "../../dsp/fft.js"
import { DECAY_PER_RT60, noiseReverbScale, octaveBandNoise } from "../../effects/reverb/noise-reverb.js"
import { OCTAVE_BANDS } from "../../effects/reverb/octave-bands.js"
import type { DifferentiableEffect } from "./effect.js"
import { complexMultiply, irfft, padTo, rfft } from "./spectral-ops.js"

export const differentiableNoiseReverb: DifferentiableEffect = {
  uses: "reverb.noise",
  apply: (x, param, params, { tf, sampleRate, rng }) => {
    const irLength = Math.max(1, Math.round(Number(params["length_s"]) * sampleRate))
    const bands = octaveBandNoise(irLength, sampleRate, rng.fork("noise-reverb"))
    const noise = tf.tensor2d(Float32Array.from(bands.flatMap((b) => Array.from(b))), [OCTAVE_BANDS, irLength])
    const seconds = tf.div(tf.range(0, irLength, 1, "float32"), sampleRate)
    const rt60 = tf.stack(Array.from({ length: OCTAVE_BANDS }, (_, b) => param(`rt60_s[${b}]`)))
    const gainDb = tf.stack(Array.from({ length: OCTAVE_BANDS }, (_, b) => param(`gain_db[${b}]`)))
    // envelope [bands, t] = exp(ln(10)/20 · gain_db − ln(1000) · t / rt60), all in the exponent
    const exponent = tf.sub(
      tf.reshape(tf.mul(gainDb, Math.log(10) / 20), [OCTAVE_BANDS, 1]),
      tf.mul(tf.reshape(tf.div(DECAY_PER_RT60, rt60), [OCTAVE_BANDS, 1]), tf.reshape(seconds, [1, irLength]))
    )
    const ir = tf.mul(tf.sum(tf.mul(tf.exp(exponent), noise), 0), noiseReverbScale(sampleRate))
    const length = x.shape[0]!
    const n = nextPow2(length + irLength)
    const wet = tf.slice(irfft(tf, complexMultiply(tf, rfft(tf, padTo(tf, x, n)), rfft(tf, padTo(tf, ir, n)))), 0, length)
    const mix = param("mix")
    return tf.add(tf.mul(tf.sub(1, mix), x), tf.mul(mix, wet))
  }
}

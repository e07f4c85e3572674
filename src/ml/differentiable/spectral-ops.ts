/**
 * The two FFTs the differentiable effects need, as tfjs ops with exact gradients.
 * tfjs registers no gradient for its FFT kernels, and a DFT matrix is out of the question
 * at signal length, so the transforms run on our own real FFT (src/dsp/fft.ts) inside
 * `tf.customGrad`, and each gradient is the transform's adjoint, again one FFT:
 *
 * - `rfft(x)`, x of n samples (n a power of two) → [2, n/2 + 1] (row 0 real, row 1 imaginary):
 *   X_k = Σ x_j e^{-2πi jk/n}. Adjoint: dx_j = Σ_{k=0}^{n/2} Re(G_k e^{2πi jk/n}), which is
 *   n · irfft of G with the interior bins halved.
 * - `irfft(Y)`, Y of [2, n/2 + 1] → n samples, y = (1/n)(Y_0 + Y_{n/2}(−1)^j + 2 Σ Re(Y_k e^{2πi jk/n})),
 *   imaginary parts of bins 0 and n/2 ignored. Adjoint: dY_k = (c_k / n) · rfft(g)_k with
 *   c = 1 at bins 0 and n/2 and 2 elsewhere (and 0 for the two ignored imaginary parts).
 *
 * The forward passes read their input with dataSync, so these ops suit the synchronous
 * backends (cpu, wasm, tensorflow) that audioml trains on.
 */
import { realFftPlan } from "../../dsp/fft.js"
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"

const isPow2 = (n: number): boolean => n >= 4 && (n & (n - 1)) === 0

const forwardFft = (x: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } => {
  const plan = realFftPlan(n)
  const buf = new Float64Array(n)
  buf.set(x as ArrayLike<number>)
  const re = new Float64Array(n / 2 + 1)
  const im = new Float64Array(n / 2 + 1)
  plan.forward(buf, re, im)
  return { re, im }
}

const inverseFft = (re: Float64Array, im: Float64Array, n: number): Float64Array => {
  const out = new Float64Array(n)
  realFftPlan(n).inverse(re, im, out)
  return out
}

const stacked = (tf: Tf, re: ArrayLike<number>, im: ArrayLike<number>): Tensor => {
  const bins = re.length
  const data = new Float32Array(2 * bins)
  data.set(re as ArrayLike<number>)
  data.set(im as ArrayLike<number>, bins)
  return tf.tensor2d(data, [2, bins])
}

/**
 * Real FFT of a 1-D tensor of n samples (n a power of two >= 4) as a [2, n/2 + 1] tensor
 * (real row, imaginary row), differentiable with respect to the input.
 */
export const rfft = (tf: Tf, x: Tensor): Tensor => {
  const n = x.shape[0]!
  if (x.rank !== 1 || !isPow2(n)) throw new Error(`rfft needs a 1-D tensor whose length is a power of two >= 4 (got shape [${x.shape.join(", ")}])`)
  const op = tf.customGrad((...args) => {
    const input = args[0] as Tensor
    const { re, im } = forwardFft(input.dataSync() as Float32Array, n)
    return {
      value: stacked(tf, re, im),
      gradFunc: (dy: Tensor) => {
        const g = dy.dataSync() as Float32Array
        const bins = n / 2 + 1
        const gr = new Float64Array(bins)
        const gi = new Float64Array(bins)
        for (let k = 0; k < bins; k++) {
          const half = k === 0 || k === n / 2 ? 1 : 0.5
          gr[k] = g[k]! * half
          gi[k] = g[bins + k]! * half
        }
        gi[0] = 0
        gi[n / 2] = 0
        const dx = inverseFft(gr, gi, n)
        for (let j = 0; j < n; j++) dx[j] = dx[j]! * n
        return tf.tensor1d(Float32Array.from(dx))
      }
    }
  })
  return op(x)
}

/**
 * Inverse of `rfft`: a [2, n/2 + 1] Hermitian half-spectrum back to n real samples
 * (scaled 1/n), differentiable with respect to the spectrum.
 */
export const irfft = (tf: Tf, spectrum: Tensor): Tensor => {
  const bins = spectrum.shape[1]!
  const n = 2 * (bins - 1)
  if (spectrum.rank !== 2 || spectrum.shape[0] !== 2 || !isPow2(n)) {
    throw new Error(`irfft needs a [2, n/2 + 1] tensor with n a power of two >= 4 (got shape [${spectrum.shape.join(", ")}])`)
  }
  const op = tf.customGrad((...args) => {
    const input = args[0] as Tensor
    const d = input.dataSync() as Float32Array
    const re = Float64Array.from(d.subarray(0, bins))
    const im = Float64Array.from(d.subarray(bins))
    return {
      value: tf.tensor1d(Float32Array.from(inverseFft(re, im, n))),
      gradFunc: (dy: Tensor) => {
        const { re: gr, im: gi } = forwardFft(dy.dataSync() as Float32Array, n)
        for (let k = 0; k < bins; k++) {
          const c = (k === 0 || k === n / 2 ? 1 : 2) / n
          gr[k] = gr[k]! * c
          gi[k] = gi[k]! * c
        }
        gi[0] = 0
        gi[n / 2] = 0
        return stacked(tf, gr, gi)
      }
    }
  })
  return op(spectrum)
}

/** (a_re + i a_im)(b_re + i b_im) of two [2, bins] spectra. */
export const complexMultiply = (tf: Tf, a: Tensor, b: Tensor): Tensor => {
  const [ar, ai] = tf.unstack(a) as [Tensor, Tensor]
  const [br, bi] = tf.unstack(b) as [Tensor, Tensor]
  return tf.stack([tf.sub(tf.mul(ar, br), tf.mul(ai, bi)), tf.add(tf.mul(ar, bi), tf.mul(ai, br))])
}

/** (a_re + i a_im) / (b_re + i b_im) of two [2, bins] spectra. */
export const complexDivide = (tf: Tf, a: Tensor, b: Tensor): Tensor => {
  const [ar, ai] = tf.unstack(a) as [Tensor, Tensor]
  const [br, bi] = tf.unstack(b) as [Tensor, Tensor]
  const den = tf.add(tf.square(br), tf.square(bi))
  return tf.stack([tf.div(tf.add(tf.mul(ar, br), tf.mul(ai, bi)), den), tf.div(tf.sub(tf.mul(ai, br), tf.mul(ar, bi)), den)])
}

/** Zero-pad (or cut) a 1-D tensor to `n` samples. */
export const padTo = (tf: Tf, x: Tensor, n: number): Tensor => {
  const len = x.shape[0]!
  return len >= n ? tf.slice(x, 0, n) : tf.pad(x, [[0, n - len]])
}

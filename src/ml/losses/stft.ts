/**
 * loss.mrstft and loss.mel_stft, as auraloss: for each resolution, the STFT magnitude
 * (torch.stft center=True with reflect padding, periodic Hann of win_length centred in
 * n_fft, |X| = sqrt(max(re² + im², 1e-7))), spectral convergence ||Y − X||_F / ||Y||_F plus
 * mean |log Y − log X|; multi-resolution averages each term over the resolutions.
 * tfjs has no FFT gradient, so the DFT is a matmul with window·cos / window·sin matrices.
 */
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import { array, integer, object } from "../../params/schema.js"
import { type Loss, type LossContext, asBatchTime } from "./loss.js"
import { denseMelMatrix, melFilterbank } from "../../features/mel.js"
import { LossError } from "../../errors/audioml-error.js"

const size = (description: string, dflt?: number) =>
  integer({ description, minimum: 16, maximum: 65536, distribution: false, ...(dflt !== undefined ? { default: dflt } : {}), unit: "samples" })

/** librosa.filters.mel(sr, n_fft, n_mels) with its defaults (Slaney scale and area norm, 0 Hz to Nyquist), the filterbank auraloss's MelSTFTLoss uses. */
const slaneyMel = (sampleRate: number, nFft: number, nMels: number): Float32Array =>
  denseMelMatrix(melFilterbank({ sampleRate, nFft, nMels, fmin: 0, scale: "slaney", norm: "slaney" }))

export const mrstftParams = object({
  fft_sizes: array(size("FFT size"), { description: "FFT size of each resolution", default: [1024, 2048, 512], minItems: 1 }),
  hop_sizes: array(size("Hop"), { description: "Hop of each resolution", default: [120, 240, 50], minItems: 1 }),
  win_lengths: array(size("Window"), { description: "Hann window length of each resolution (≤ its FFT size)", default: [600, 1200, 240], minItems: 1 })
})

export const melStftParams = object({
  fft_size: size("FFT size", 2048),
  hop_size: size("Hop", 512),
  win_length: size("Hann window length (≤ fft_size)", 2048),
  n_mels: integer({ description: "Mel bands (Slaney scale and norm, as librosa)", minimum: 1, maximum: 512, default: 128, distribution: false })
})

/** A magnitude STFT of [B, T] → [B·frames, bins] (optionally projected onto mel bands). */
const stftMagnitude = (tf: Tf, nFft: number, hop: number, win: number, mel?: { sampleRate: number; nMels: number }) => {
  if (win > nFft) throw new LossError({ message: `win_length ${win} is longer than its fft_size ${nFft}` })
  const bins = nFft / 2 + 1
  if (!Number.isInteger(bins)) throw new LossError({ message: `fft_size ${nFft} must be even` })
  const cos = new Float32Array(nFft * bins)
  const sin = new Float32Array(nFft * bins)
  const offset = Math.floor((nFft - win) / 2)
  for (let n = 0; n < win; n++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / win)
    const row = (n + offset) * bins
    for (let k = 0; k < bins; k++) {
      const phase = (2 * Math.PI * (((n + offset) * k) % nFft)) / nFft
      cos[row + k] = w * Math.cos(phase)
      sin[row + k] = -w * Math.sin(phase)
    }
  }
  // One strided conv1d does the framing and the DFT: filter [nFft, 1, 2·bins] = (window·cos | window·sin).
  // Its input gradient is a transposed conv (fast on every backend); the filter is constant.
  const filter = new Float32Array(nFft * 2 * bins)
  for (let n = 0; n < nFft; n++) {
    filter.set(cos.subarray(n * bins, (n + 1) * bins), n * 2 * bins)
    filter.set(sin.subarray(n * bins, (n + 1) * bins), n * 2 * bins + bins)
  }
  const filterT = tf.keep(tf.tensor3d(filter, [nFft, 1, 2 * bins]))
  const melT = mel !== undefined ? tf.keep(tf.tensor2d(slaneyMel(mel.sampleRate, nFft, mel.nMels), [mel.nMels, bins]).transpose()) : undefined
  return {
    apply: (x: Tensor): Tensor => {
      const [b, t] = x.shape as [number, number]
      if (t <= nFft / 2) throw new LossError({ message: `signal of ${t} samples is too short for fft_size ${nFft} (needs more than ${nFft / 2}): lengthen the segment` })
      const padded = tf.mirrorPad(x, [[0, 0], [nFft / 2, nFft / 2]], "reflect")
      const spec: Tensor = tf.conv1d(tf.expandDims(padded, 2) as never, filterT, hop, "valid") // [B, frames, 2·bins]
      const frames = spec.shape[1]!
      // re² + im²: a sum over the (re, im) axis rather than column slices (slow on cpu).
      const power = tf.sum(tf.reshape(tf.square(spec), [b * frames, 2, bins]), 1)
      const mag = tf.sqrt(tf.maximum(power, 1e-7))
      return melT !== undefined ? tf.matMul(mag, melT) : mag
    },
    dispose: () => {
      filterT.dispose()
      melT?.dispose()
    }
  }
}

/** [spectral convergence, log-magnitude L1] of predicted X vs target Y magnitudes. */
const scAndLogMag = (tf: Tf, x: Tensor, y: Tensor): [Tensor, Tensor] => [
  tf.div(tf.sqrt(tf.sum(tf.square(tf.sub(y, x)))), tf.sqrt(tf.sum(tf.square(y)))),
  tf.mean(tf.abs(tf.sub(tf.log(y), tf.log(x))))
]

export const makeMrstft = (
  tf: Tf,
  params: { readonly fft_sizes?: ReadonlyArray<number>; readonly hop_sizes?: ReadonlyArray<number>; readonly win_lengths?: ReadonlyArray<number> }
): Loss => {
  const ffts = params.fft_sizes ?? [1024, 2048, 512]
  const hops = params.hop_sizes ?? [120, 240, 50]
  const wins = params.win_lengths ?? [600, 1200, 240]
  if (ffts.length !== hops.length || ffts.length !== wins.length) {
    throw new LossError({ message: `loss.mrstft: fft_sizes, hop_sizes and win_lengths must have the same length (got ${ffts.length}, ${hops.length}, ${wins.length})` })
  }
  const stfts = ffts.map((n, i) => stftMagnitude(tf, n, hops[i]!, wins[i]!))
  return {
    name: "loss.mrstft",
    fn: (target, prediction) => {
      const y = asBatchTime(tf, target)
      const yhat = asBatchTime(tf, prediction)
      let sc: Tensor = tf.scalar(0)
      let lm: Tensor = tf.scalar(0)
      for (const s of stfts) {
        const [a, b] = scAndLogMag(tf, s.apply(yhat), s.apply(y))
        sc = tf.add(sc, a)
        lm = tf.add(lm, b)
      }
      return tf.div(tf.add(sc, lm), stfts.length)
    },
    dispose: () => stfts.forEach((s) => s.dispose())
  }
}

export const makeMelStft = (
  tf: Tf,
  params: { readonly fft_size?: number; readonly hop_size?: number; readonly win_length?: number; readonly n_mels?: number },
  ctx: LossContext
): Loss => {
  const s = stftMagnitude(tf, params.fft_size ?? 2048, params.hop_size ?? 512, params.win_length ?? 2048, {
    sampleRate: ctx.sampleRate,
    nMels: params.n_mels ?? 128
  })
  return {
    name: "loss.mel_stft",
    fn: (target, prediction) => {
      const [a, b] = scAndLogMag(tf, s.apply(asBatchTime(tf, prediction)), s.apply(asBatchTime(tf, target)))
      return tf.add(a, b)
    },
    dispose: () => s.dispose()
  }
}

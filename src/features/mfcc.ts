import { melSpectrogram, powerToDbInPlace, type FeatureMatrix, type MelOptions } from "./mel.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * MFCCs as librosa.feature.mfcc computes them by default: the dB mel power spectrogram
 * (power_to_db with ref 1, amin 1e-10, top_db 80), an orthonormal DCT-II along the mel
 * axis (scipy.fft.dct(type=2, norm="ortho")), the first n_mfcc coefficients kept, and an
 * optional sinusoidal lifter (lifter = 0: none).
 */
export interface MfccOptions extends MelOptions {
  readonly nMfcc: number
  readonly lifter: number
}

/** Orthonormal DCT-II matrix, nOut × nIn, row-major. */
export const dctMatrix = (nOut: number, nIn: number): Float64Array => {
  const m = new Float64Array(nOut * nIn)
  for (let k = 0; k < nOut; k++) {
    const scale = k === 0 ? Math.sqrt(1 / nIn) : Math.sqrt(2 / nIn)
    for (let n = 0; n < nIn; n++) m[k * nIn + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn))
  }
  return m
}

export const mfccFromLogMel = (logMel: FeatureMatrix, nMfcc: number, lifter = 0): FeatureMatrix => {
  const { dims, frames } = logMel
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > dims) throw new ParameterError({ parameter: "n_mfcc", message: `n_mfcc must be an integer in [1, n_mels=${dims}], got ${nMfcc}` })
  const dct = dctMatrix(nMfcc, dims)
  const out = new Float32Array(nMfcc * frames)
  const column = new Float64Array(dims)
  const lift = new Float64Array(nMfcc)
  for (let k = 0; k < nMfcc; k++) lift[k] = lifter > 0 ? 1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter) : 1
  const data = logMel.data
  for (let t = 0; t < frames; t++) {
    for (let d = 0; d < dims; d++) column[d] = data[d * frames + t]!
    for (let k = 0; k < nMfcc; k++) {
      // four partial sums: one running sum would wait on the adder at every term
      const row = k * dims
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0
      let d = 0
      for (; d + 3 < dims; d += 4) {
        a0 += dct[row + d]! * column[d]!
        a1 += dct[row + d + 1]! * column[d + 1]!
        a2 += dct[row + d + 2]! * column[d + 2]!
        a3 += dct[row + d + 3]! * column[d + 3]!
      }
      for (; d < dims; d++) a0 += dct[row + d]! * column[d]!
      out[k * frames + t] = (a0 + a1 + (a2 + a3)) * lift[k]!
    }
  }
  return { data: out, dims: nMfcc, frames }
}

export const mfcc = (y: Float32Array, sampleRate: number, options: Partial<MfccOptions> = {}): FeatureMatrix => {
  const { nMfcc = 20, lifter = 0, ...mel } = options
  const spec = melSpectrogram(y, sampleRate, { ...mel, log: false })
  powerToDbInPlace(spec.data)
  return mfccFromLogMel(spec, nMfcc, lifter)
}

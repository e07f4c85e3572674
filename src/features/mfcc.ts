import { melSpectrogram, powerToDbInPlace, type FeatureMatrix, type MelOptions } from "./mel.js"

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
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > dims) throw new Error(`n_mfcc must be an integer in [1, n_mels=${dims}], got ${nMfcc}`)
  const dct = dctMatrix(nMfcc, dims)
  const out = new Float32Array(nMfcc * frames)
  const column = new Float64Array(dims)
  for (let t = 0; t < frames; t++) {
    for (let d = 0; d < dims; d++) column[d] = logMel.data[d * frames + t]!
    for (let k = 0; k < nMfcc; k++) {
      let acc = 0
      const row = k * dims
      for (let d = 0; d < dims; d++) acc += dct[row + d]! * column[d]!
      out[k * frames + t] = lifter > 0 ? acc * (1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter)) : acc
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

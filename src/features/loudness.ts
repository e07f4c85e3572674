import { forEachStftFrame, stftBinCount, type StftOptions } from "../dsp/stft.js"

/**
 * Per-frame A-weighted loudness in dB, as DDSP's `spectral_ops.compute_loudness` (v2+):
 * power |STFT|^2 (periodic Hann, centred frames) weighted in linear scale by
 * 10^(A(f)/10) with librosa.A_weighting (floored at -80 dB), averaged over the n_fft/2+1
 * bins, then 10 log10(max(10^(-range_db/10), mean)) - ref_db, floored at -range_db.
 * Differences from DDSP: frames follow `hop` and librosa's centring (so they line up with
 * the mel frames) rather than DDSP's `frame_rate`.
 */
export interface AWeightedOptions {
  readonly nFft: number
  readonly hop: number
  readonly rangeDb: number
  readonly refDb: number
}

export const A_WEIGHTED_DEFAULTS: AWeightedOptions = { nFft: 2048, hop: 512, rangeDb: 80, refDb: 0 }

/** librosa.A_weighting: IEC 61672 A-curve in dB at each frequency, floored at minDb. */
export const aWeightingDb = (frequency: number, minDb = -80): number => {
  const f2 = frequency * frequency
  const c0 = 12194.217 ** 2
  const c1 = 20.598997 ** 2
  const c2 = 107.65265 ** 2
  const c3 = 737.86223 ** 2
  const w =
    2.0 +
    20.0 *
      (Math.log10(c0) +
        2 * Math.log10(f2) -
        Math.log10(f2 + c0) -
        Math.log10(f2 + c1) -
        0.5 * Math.log10(f2 + c2) -
        0.5 * Math.log10(f2 + c3))
  // f = 0 gives -inf, which the floor catches (as np.maximum does)
  return Number.isNaN(w) ? minDb : Math.max(minDb, w)
}

export const aWeightedLoudness = (y: Float32Array, sampleRate: number, options: Partial<AWeightedOptions> = {}): Float32Array => {
  const o: AWeightedOptions = { ...A_WEIGHTED_DEFAULTS, ...options }
  const bins = stftBinCount(o.nFft)
  const weight = new Float64Array(bins)
  for (let k = 0; k < bins; k++) weight[k] = Math.pow(10, aWeightingDb((k * sampleRate) / o.nFft) / 10)
  const pmin = Math.pow(10, -o.rangeDb / 10)
  const stft: StftOptions = { nFft: o.nFft, hop: o.hop }
  const out: number[] = []
  forEachStftFrame(y, stft, (t, re, im) => {
    let acc = 0
    for (let k = 0; k < bins; k++) acc += (re[k]! * re[k]! + im[k]! * im[k]!) * weight[k]!
    const db = 10 * Math.log10(Math.max(pmin, acc / bins)) - o.refDb
    out[t] = Math.max(db, -o.rangeDb)
  })
  return Float32Array.from(out)
}

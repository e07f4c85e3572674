/**
 * A content-independent style distance, for an input and a reference that hold different
 * material (another take, another song): it compares statistics that describe production
 * style rather than the notes — per mel band the mean and spread over time of the log-mel
 * spectrogram (EQ balance and dynamics per band), the mean spectral centroid, the spectral
 * slope of the long-term spectrum, the crest factor, and the integrated loudness:
 *
 *   D = mean_b |Δμ_b| / 10 dB + mean_b |Δσ_b| / 10 dB + |Δ log2 centroid| + |Δ slope| / 3 dB/oct
 *     + |Δ crest| / 6 dB + |Δ LUFS| / 6 LU
 *
 * (each term scaled to about 1 for a clearly audible difference). Value only: style transfer
 * with this loss estimates gradients by SPSA.
 */
import { descriptors } from "../../features/descriptors.js"
import { integratedLoudness } from "../../features/lufs.js"
import { melSpectrogram } from "../../features/mel.js"

/** The statistics D compares. */
export interface StyleStatistics {
  /** Per mel band: mean and standard deviation over frames of the log-mel power, dB. */
  readonly melMeanDb: Float64Array
  readonly melStdDb: Float64Array
  /** Per mel band: the long-term power (mean over frames of the mel power), dB. */
  readonly longTermDb: Float64Array
  /** Mean spectral centroid over non-silent frames, log2 Hz. */
  readonly centroidLog2Hz: number
  /** Slope of the long-term mel spectrum (dB) against log2 frequency, dB per octave. */
  readonly slopeDbPerOctave: number
  /** Peak over RMS, dB. */
  readonly crestDb: number
  /** Integrated loudness (BS.1770-4), LUFS (floored at −70). */
  readonly lufs: number
}

/** Mel bands of the style statistics (per-band entries of StyleStatistics). */
export const STYLE_MEL_BANDS = 40
const FMIN = 40

export const styleStatistics = (x: Float32Array, sampleRate: number): StyleStatistics => {
  const mel = melSpectrogram(x, sampleRate, { nMels: STYLE_MEL_BANDS, fmin: FMIN, nFft: 2048, hop: 512 })
  const melMeanDb = new Float64Array(mel.dims)
  const melStdDb = new Float64Array(mel.dims)
  const longTerm = new Float64Array(mel.dims)
  for (let d = 0; d < mel.dims; d++) {
    let s = 0
    let s2 = 0
    let p = 0
    for (let t = 0; t < mel.frames; t++) {
      const v = mel.data[d * mel.frames + t]!
      const db = 10 * Math.log10(Math.max(v, 1e-10))
      s += db
      s2 += db * db
      p += v
    }
    melMeanDb[d] = s / mel.frames
    melStdDb[d] = Math.sqrt(Math.max(0, s2 / mel.frames - (s / mel.frames) ** 2))
    longTerm[d] = 10 * Math.log10(Math.max(p / mel.frames, 1e-10))
  }
  // slope: least squares of the long-term dB spectrum against log2 of the band centres
  const fmax = sampleRate / 2
  const logF = Array.from({ length: mel.dims }, (_, d) => Math.log2(FMIN) + ((d + 1) / (mel.dims + 1)) * (Math.log2(fmax) - Math.log2(FMIN)))
  const mx = logF.reduce((a, b) => a + b, 0) / mel.dims
  const my = longTerm.reduce((a, b) => a + b, 0) / mel.dims
  let num = 0
  let den = 0
  for (let d = 0; d < mel.dims; d++) {
    num += (logF[d]! - mx) * (longTerm[d]! - my)
    den += (logF[d]! - mx) ** 2
  }
  const desc = descriptors(x, sampleRate)
  let cs = 0
  let cn = 0
  for (let t = 0; t < desc.frames; t++) {
    if (desc.rms[t]! > 1e-4 && desc.centroid[t]! > 0) {
      cs += Math.log2(desc.centroid[t]!)
      cn++
    }
  }
  let peak = 0
  let energy = 0
  for (let i = 0; i < x.length; i++) {
    peak = Math.max(peak, Math.abs(x[i]!))
    energy += x[i]! * x[i]!
  }
  const rms = Math.sqrt(energy / Math.max(1, x.length))
  const lufs = integratedLoudness([x], sampleRate).integrated
  return {
    melMeanDb,
    melStdDb,
    longTermDb: longTerm,
    centroidLog2Hz: cn > 0 ? cs / cn : 0,
    slopeDbPerOctave: den > 0 ? num / den : 0,
    crestDb: rms > 0 ? 20 * Math.log10(peak / rms) : 0,
    lufs: Number.isFinite(lufs) ? Math.max(lufs, -70) : -70
  }
}

/** D(a, b) as in the module comment. */
export const styleDistance = (a: StyleStatistics, b: StyleStatistics): number => {
  let mean = 0
  let std = 0
  for (let d = 0; d < a.melMeanDb.length; d++) {
    mean += Math.abs(a.melMeanDb[d]! - b.melMeanDb[d]!)
    std += Math.abs(a.melStdDb[d]! - b.melStdDb[d]!)
  }
  const bands = a.melMeanDb.length
  return (
    mean / bands / 10 +
    std / bands / 10 +
    Math.abs(a.centroidLog2Hz - b.centroidLog2Hz) +
    Math.abs(a.slopeDbPerOctave - b.slopeDbPerOctave) / 3 +
    Math.abs(a.crestDb - b.crestDb) / 6 +
    Math.abs(a.lufs - b.lufs) / 6
  )
}

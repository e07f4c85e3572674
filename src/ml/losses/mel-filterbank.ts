/**
 * Slaney-style mel filterbank as librosa.filters.mel(sr, n_fft, n_mels) with its defaults
 * (htk = false, norm = "slaney", fmin 0, fmax sr/2), the one auraloss's MelSTFTLoss uses.
 * Returns [nMels][nFft/2 + 1] row-major.
 */
const F_SP = 200 / 3
const MIN_LOG_HZ = 1000
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP
const LOGSTEP = Math.log(6.4) / 27

const hzToMel = (f: number): number => (f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOGSTEP : f / F_SP)
const melToHz = (m: number): number => (m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (m - MIN_LOG_MEL)) : F_SP * m)

export const slaneyMelFilterbank = (sampleRate: number, nFft: number, nMels: number): Float32Array => {
  const bins = nFft / 2 + 1
  const fftFreqs = Float64Array.from({ length: bins }, (_, k) => (k * sampleRate) / 2 / (bins - 1))
  const top = hzToMel(sampleRate / 2)
  const melF = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz((top * i) / (nMels + 1)))
  const out = new Float32Array(nMels * bins)
  for (let m = 0; m < nMels; m++) {
    const lowDiff = melF[m + 1]! - melF[m]!
    const highDiff = melF[m + 2]! - melF[m + 1]!
    const enorm = 2 / (melF[m + 2]! - melF[m]!)
    for (let k = 0; k < bins; k++) {
      const lower = (fftFreqs[k]! - melF[m]!) / lowDiff
      const upper = (melF[m + 2]! - fftFreqs[k]!) / highDiff
      out[m * bins + k] = Math.max(0, Math.min(lower, upper)) * enorm
    }
  }
  return out
}

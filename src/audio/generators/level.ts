import { dbToGain } from "../../dsp/decibels.js"
export const peakOf = (x: Float32Array): number => {
  let p = 0
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!)
    if (a > p) p = a
  }
  return p
}

/** Scale in place so the peak is `peakDb` dBFS; silence stays silence. */
export const normalisePeak = (x: Float32Array, peakDb: number): Float32Array => {
  const p = peakOf(x)
  if (p === 0) return x
  const g = dbToGain(peakDb) / p
  for (let i = 0; i < x.length; i++) x[i]! *= g
  return x
}

export const peakOf = (x: Float32Array): number => {
  let p = 0
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!)
    if (a > p) p = a
  }
  return p
}

export const rmsOf = (x: Float32Array): number => {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!
  return x.length === 0 ? 0 : Math.sqrt(s / x.length)
}

export const dbToGain = (db: number): number => 10 ** (db / 20)

/** Scale in place so the peak is `peakDb` dBFS; silence stays silence. */
export const normalisePeak = (x: Float32Array, peakDb: number): Float32Array => {
  const p = peakOf(x)
  if (p === 0) return x
  const g = dbToGain(peakDb) / p
  for (let i = 0; i < x.length; i++) x[i]! *= g
  return x
}

/** out += gain · x (over the shorter of the two, starting at `offset` in out). */
export const addScaled = (out: Float32Array, x: Float32Array, gain: number, offset = 0): Float32Array => {
  const n = Math.min(x.length, out.length - offset)
  for (let i = 0; i < n; i++) out[offset + i]! += gain * x[i]!
  return out
}

/** Add a sine of `freq` Hz and peak `amplitude`, starting at `phase` radians, into `out`. */
export const sineInto = (out: Float32Array, sampleRate: number, freq: number, amplitude: number, phase = 0): Float32Array => {
  // Phase in float64 from the sample index, so long clips do not accumulate rounding drift.
  const w = (2 * Math.PI * freq) / sampleRate
  for (let i = 0; i < out.length; i++) out[i]! += amplitude * Math.sin(w * i + phase)
  return out
}

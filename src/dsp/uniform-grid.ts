import { DataError } from "../errors/audioml-error.js"

/**
 * Read a signal known at increasing, irregular times (a circuit simulator's own time
 * points) on the uniform grid t = i * step, i = 0 .. n - 1, by cubic Lagrange
 * interpolation through the four nearest points around each grid time (two on each side
 * where they exist). Its error falls as the fourth power of the point spacing, so where
 * the points are at least as dense as the grid (a simulation run with a maximum step of
 * `step`) a band-limited signal is read to well under -80 dB; a linear reading of the
 * same points loses about (pi f h)^2 / 8 of the level at frequency f. Repeated times (a
 * simulator's breakpoints) keep their last value. Grid times past the last point hold
 * the last value.
 *
 * @param times strictly or weakly increasing times in seconds, the first at or before 0
 * @param values the signal at `times`, same length
 * @param step grid spacing in seconds (> 0)
 * @param n number of grid samples
 * @returns the n grid samples
 * @example
 *   onUniformGrid(Float64Array.of(0, 0.4, 1.1, 2), Float64Array.of(0, 0.4, 1.1, 2), 0.5, 4) // [0, 0.5, 1, 1.5]
 */
export const onUniformGrid = (times: Float64Array, values: Float64Array, step: number, n: number): Float64Array => {
  if (times.length !== values.length) throw new DataError({ message: `onUniformGrid: ${times.length} times for ${values.length} values` })
  if (!(step > 0)) throw new DataError({ message: `onUniformGrid: step must be > 0 (got ${step})` })
  const out = new Float64Array(n)
  // drop repeated times (keep the last value at each), so divided differences stay finite
  const t = new Float64Array(times.length)
  const v = new Float64Array(times.length)
  let m = 0
  for (let k = 0; k < times.length; k++) {
    const tk = times[k]!
    if (m > 0 && tk < t[m - 1]!) throw new DataError({ message: `onUniformGrid: times decrease at index ${k} (${tk} after ${t[m - 1]})` })
    if (m > 0 && tk === t[m - 1]!) {
      v[m - 1] = values[k]!
      continue
    }
    t[m] = tk
    v[m] = values[k]!
    m++
  }
  if (m === 0) throw new DataError({ message: "onUniformGrid: no points to read" })
  if (m === 1) return out.fill(v[0]!)
  let j = 0 // t[j] <= u < t[j + 1]
  for (let i = 0; i < n; i++) {
    const u = i * step
    if (u >= t[m - 1]!) {
      out[i] = v[m - 1]!
      continue
    }
    while (j + 1 < m - 1 && t[j + 1]! <= u) j++
    if (u <= t[0]!) {
      out[i] = v[0]!
      continue
    }
    // four points j-1 .. j+2, shifted inwards at the ends
    let a = j - 1
    if (a < 0) a = 0
    if (a + 3 > m - 1) a = Math.max(0, m - 4)
    const count = Math.min(4, m)
    let y = 0
    for (let p = 0; p < count; p++) {
      const tp = t[a + p]!
      let w = 1
      for (let q = 0; q < count; q++) if (q !== p) w *= (u - t[a + q]!) / (tp - t[a + q]!)
      y += w * v[a + p]!
    }
    out[i] = y
  }
  return out
}

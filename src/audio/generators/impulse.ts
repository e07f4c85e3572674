/**
 * Unit impulses (scaled by `amplitude`) added into `out`: one at `position` seconds, then
 * every `interval` seconds when interval > 0 (an impulse train, e.g. for measuring effects).
 */
export const impulseInto = (out: Float32Array, sampleRate: number, position: number, amplitude = 1, interval = 0): Float32Array => {
  let t = position
  for (;;) {
    const i = Math.round(t * sampleRate)
    if (i >= out.length || i < 0) break
    out[i]! += amplitude
    if (!(interval > 0)) break
    t += interval
  }
  return out
}

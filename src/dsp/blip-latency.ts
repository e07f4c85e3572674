/**
 * Latency from a calibration blip, NAM's convention (the Neural Amp Modeler trainer's
 * `_calibrate_latency_v_all`): the dry signal starts with a short spike ("blip") after
 * silence; the wet signal's noise floor is read before the blip, and the latency is where
 * the wet signal first rises above that floor by a trigger margin. A clean impulse beats
 * cross-correlation on periodic or strongly filtered material, where correlation peaks are
 * broad or repeat.
 */

/** Silence for blip detection: |x| at or below this (about -80 dBFS). */
const SILENCE = 1e-4
/** A blip is at most this many samples long. */
const MAX_BLIP = 32
/** NAM's trigger: above max(noise + 3e-4, (1 + 1e-3) * noise), noise = the wet signal's peak before the blip. */
const ABS_THRESHOLD = 3e-4
const REL_THRESHOLD = 1e-3

/**
 * The index of a blip that `x` begins with, or undefined: `x` is silent (|x| ≤ 1e-4) up to
 * index b ≤ `maxStart`, non-silent for at most 32 samples from b, then silent again for at
 * least `quietAfter` samples (so a response up to that long is the blip's alone).
 *
 * @param x the dry signal
 * @param maxStart latest sample the blip may start at
 * @param quietAfter samples of silence required after the blip (e.g. the largest lag searched)
 */
export const findLeadingBlip = (x: Float32Array, maxStart: number, quietAfter: number): number | undefined => {
  let b = 0
  while (b < x.length && Math.abs(x[b]!) <= SILENCE) b++
  if (b >= x.length || b > maxStart) return undefined
  let end = b
  while (end < x.length && end - b < MAX_BLIP + 1 && Math.abs(x[end]!) > SILENCE) end++
  if (end - b > MAX_BLIP) return undefined
  // silence from the blip's end for quietAfter samples (or to the end of x)
  const stop = Math.min(x.length, end + quietAfter)
  for (let i = end; i < stop; i++) if (Math.abs(x[i]!) > SILENCE) return undefined
  return stop - end >= Math.min(quietAfter, 1) ? b : undefined
}

/**
 * The latency, in samples (≥ 0), of the wet signal `y`'s response to a blip at index
 * `blip` of its dry signal: the first j in [blip, blip + maxLag] where |y[j]| exceeds
 * NAM's trigger threshold over the noise floor max |y[0..blip)| (0 when the blip is at
 * sample 0), minus `blip`. Undefined when nothing triggers. NAM's trainer then subtracts a
 * safety margin of one sample so its models never have to predict ahead; this reports
 * the trigger itself, so a pure delay of d samples reads d.
 */
export const blipLatency = (y: Float32Array, blip: number, maxLag: number): number | undefined => {
  let noise = 0
  for (let i = 0; i < Math.min(blip, y.length); i++) noise = Math.max(noise, Math.abs(y[i]!))
  const threshold = Math.max(noise + ABS_THRESHOLD, (1 + REL_THRESHOLD) * noise)
  const stop = Math.min(y.length - 1, blip + maxLag)
  for (let j = blip; j <= stop; j++) if (Math.abs(y[j]!) > threshold) return j - blip
  return undefined
}

/**
 * The sample rates audioml accepts, wherever a rate enters: the config's `sample_rate`
 * (and any stage's), and the header of every WAV file read. A header claiming 1 Hz is a
 * broken or hostile file: resampling it to 44.1 kHz would take minutes and gigabytes, so it
 * is refused at once, naming the file.
 *
 * Default: [1 kHz, 768 kHz]. Override with the environment variable
 * `AUDIOML_SAMPLE_RATE_RANGE="<min>-<max>"` (Hz, integers, 1 ≤ min ≤ max), e.g. "100-1536000"
 * for sensor data or ultrasound; the cache keys do not depend on it.
 */

/** Lowest sample rate accepted by default, in Hz. */
export const defaultMinSampleRate = 1000
/** Highest sample rate accepted by default, in Hz (the top rate of common audio interfaces). */
export const defaultMaxSampleRate = 768_000

/** The range in force, [min, max] Hz: the default, or AUDIOML_SAMPLE_RATE_RANGE. Throws on a malformed override. */
export const sampleRateRange = (env: NodeJS.ProcessEnv = process.env): readonly [number, number] => {
  const text = env["AUDIOML_SAMPLE_RATE_RANGE"]
  if (text === undefined || text === "") return [defaultMinSampleRate, defaultMaxSampleRate]
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text)
  const lo = m ? Number(m[1]) : NaN
  const hi = m ? Number(m[2]) : NaN
  if (!(lo >= 1 && hi >= lo && Number.isSafeInteger(hi)))
    throw new Error(`AUDIOML_SAMPLE_RATE_RANGE="${text}": expected "<min>-<max>" in Hz with 1 <= min <= max, e.g. "100-1536000"`)
  return [lo, hi]
}

/** Why `rate` (Hz) is refused, or undefined when it is inside the range in force. */
export const sampleRateProblem = (rate: number, range: readonly [number, number] = sampleRateRange()): string | undefined => {
  if (Number.isInteger(rate) && rate >= range[0] && rate <= range[1]) return undefined
  const shown = Number.isFinite(rate) ? `${rate} Hz` : String(rate)
  return (
    `sample rate ${shown} is outside the accepted range [${range[0]}, ${range[1]}] Hz ` +
    `(set AUDIOML_SAMPLE_RATE_RANGE="<min>-<max>" to accept other rates)`
  )
}

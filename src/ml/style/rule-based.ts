/**
 * The rule-based baseline of DeepAFx-ST's table: match the reference's loudness and
 * spectral tilt, nothing else. The tilt is the least-squares slope of the long-term mel
 * spectrum against log2 frequency (dB per octave, as the style loss measures it,
 * src/ml/style/style-loss.ts); the input gets a zero-phase tilt filter of the slope
 * difference, pivoting at 1 kHz (gain Δ·log2(f / 1 kHz) dB, frequencies below 20 Hz held at
 * 20 Hz's gain, the gain clamped to ±24 dB; the slope re-measured and the residual added,
 * three passes), then a gain that matches the integrated
 * loudness (BS.1770-4) of the reference.
 */
import { inverseRealFft, nextPow2, realFft } from "../../dsp/fft.js"
import { integratedLoudness } from "../../features/lufs.js"
import { styleStatistics } from "./style-loss.js"

const PIVOT_HZ = 1000
const FLOOR_HZ = 20
const MAX_TILT_DB = 24
const TILT_PASSES = 3

/** x with a zero-phase tilt of `dbPerOctave` around 1 kHz (circular over a padded FFT, so no wrap-around). */
export const applyTilt = (x: Float32Array, sampleRate: number, dbPerOctave: number): Float32Array => {
  const n = nextPow2(2 * x.length)
  const buf = new Float64Array(n)
  buf.set(x)
  const spec = realFft(buf)
  for (let k = 0; k < n; k++) {
    const bin = k <= n / 2 ? k : n - k
    const f = Math.max(FLOOR_HZ, (bin * sampleRate) / n)
    const db = Math.max(-MAX_TILT_DB, Math.min(MAX_TILT_DB, dbPerOctave * Math.log2(f / PIVOT_HZ)))
    const g = Math.pow(10, db / 20)
    spec[2 * k]! *= g
    spec[2 * k + 1]! *= g
  }
  const y = inverseRealFft(spec)
  return Float32Array.from(y.subarray(0, x.length))
}

/** The restyled input and what the rules applied. */
export interface RuleBasedResult {
  readonly output: Float32Array
  /** Slope difference applied, dB per octave. */
  readonly tiltDbPerOctave: number
  /** Gain applied after the tilt, dB. */
  readonly gainDb: number
}

/** `input` restyled towards `reference` by tilt and loudness matching (mono, same rate). */
export const ruleBasedMatch = (input: Float32Array, reference: Float32Array, sampleRate: number): RuleBasedResult => {
  const targetSlope = styleStatistics(reference, sampleRate).slopeDbPerOctave
  // the measured slope does not move exactly 1:1 with the applied tilt (mel band spacing,
  // the clamp and the 20 Hz floor), so the residual is corrected a few times
  let tilt = 0
  let tilted = input
  for (let i = 0; i < TILT_PASSES; i++) {
    tilt += targetSlope - styleStatistics(tilted, sampleRate).slopeDbPerOctave
    tilted = applyTilt(input, sampleRate, tilt)
  }
  const target = integratedLoudness([reference], sampleRate).integrated
  const current = integratedLoudness([tilted], sampleRate).integrated
  const gainDb = Number.isFinite(target) && Number.isFinite(current) ? target - current : 0
  const g = Math.pow(10, gainDb / 20)
  return { output: tilted.map((v) => v * g), tiltDbPerOctave: tilt, gainDb }
}

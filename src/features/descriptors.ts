import { forEachStftFrame, stftBinCount, stftFrameCount, type StftOptions } from "../dsp/stft.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Frame descriptors with librosa's definitions and defaults (n_fft 2048, hop 512, centred
 * frames with zero padding for the spectral ones):
 * - centroid: sum f·|X| / sum |X| over the magnitude spectrum (0 for silent frames);
 * - rolloff: lowest bin frequency where the cumulative magnitude reaches roll_percent of the total;
 * - flatness: geometric / arithmetic mean of max(amin, |X|^2), amin = 1e-10;
 * - rms: sqrt(mean(x^2)) over frame_length = n_fft samples (no window, zero padding);
 * - zcr: sign changes / frame_length, with librosa's edge padding at the ends, |x| <= 1e-10
 *   counted as zero and zero counted as positive.
 * All share the frame grid t * hop, so the series line up with the mel frames.
 */
export interface DescriptorOptions {
  readonly nFft: number
  readonly hop: number
  readonly rollPercent: number
}

export const DESCRIPTOR_DEFAULTS: DescriptorOptions = { nFft: 2048, hop: 512, rollPercent: 0.85 }

export interface Descriptors {
  readonly centroid: Float32Array
  readonly rolloff: Float32Array
  readonly flatness: Float32Array
  readonly rms: Float32Array
  readonly zcr: Float32Array
  readonly frames: number
}

export const descriptors = (y: Float32Array, sampleRate: number, options: Partial<DescriptorOptions> = {}): Descriptors => {
  const o: DescriptorOptions = { ...DESCRIPTOR_DEFAULTS, ...options }
  if (!(o.rollPercent > 0 && o.rollPercent < 1)) throw new ParameterError({ parameter: "roll_percent", message: `roll_percent must be in (0, 1), got ${o.rollPercent}` })
  const stft: StftOptions = { nFft: o.nFft, hop: o.hop }
  const frames = stftFrameCount(y.length, stft)
  const bins = stftBinCount(o.nFft)
  const centroid = new Float32Array(frames)
  const rolloff = new Float32Array(frames)
  const flatness = new Float32Array(frames)
  const mag = new Float64Array(bins)
  const binHz = sampleRate / o.nFft
  forEachStftFrame(y, stft, (t, re, im) => {
    let sum = 0
    let weighted = 0
    let logSum = 0
    let powSum = 0
    for (let k = 0; k < bins; k++) {
      const p = re[k]! * re[k]! + im[k]! * im[k]!
      const m = Math.sqrt(p)
      mag[k] = m
      sum += m
      weighted += m * k * binHz
      const pt = Math.max(1e-10, p)
      logSum += Math.log(pt)
      powSum += pt
    }
    // librosa.util.normalize leaves columns with a (near) zero norm unscaled
    centroid[t] = sum > 1e-300 ? weighted / sum : weighted
    flatness[t] = Math.exp(logSum / bins) / (powSum / bins)
    const threshold = o.rollPercent * sum
    let acc = 0
    let k = 0
    for (; k < bins - 1; k++) {
      acc += mag[k]!
      if (acc >= threshold) break
    }
    rolloff[t] = k * binHz
  })
  return { centroid, rolloff, flatness, ...timeDomain(y, o.nFft, o.hop, frames), frames }
}

const timeDomain = (y: Float32Array, frameLength: number, hop: number, frames: number): { rms: Float32Array; zcr: Float32Array } => {
  const n = y.length
  const half = frameLength >> 1
  const rms = new Float32Array(frames)
  const zcr = new Float32Array(frames)
  // prefix sums of x^2 (zero padding) and of sign changes (edge padding: the padded
  // regions repeat the end samples, so they add no crossing)
  const sq = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) sq[i + 1] = sq[i]! + y[i]! * y[i]!
  const neg = (v: number): boolean => (Math.abs(v) <= 1e-10 ? false : v < 0)
  const change = new Int32Array(n + 1) // change[i+1] = crossings between samples 0..i
  for (let i = 1; i < n; i++) change[i + 1] = change[i]! + (neg(y[i]!) !== neg(y[i - 1]!) ? 1 : 0)
  if (n > 0) change[1] = 0
  for (let t = 0; t < frames; t++) {
    const start = t * hop - half
    const lo = Math.max(0, start)
    const hi = Math.min(n, start + frameLength)
    rms[t] = hi > lo ? Math.sqrt((sq[hi]! - sq[lo]!) / frameLength) : 0
    // crossings between consecutive samples inside [start, start + frameLength), clamped
    // into the signal (edge padding repeats y[0] / y[n-1])
    const a = Math.min(n - 1, Math.max(0, start))
    const b = Math.min(n - 1, Math.max(0, start + frameLength - 1))
    zcr[t] = b > a ? (change[b + 1]! - change[a + 1]!) / frameLength : 0
  }
  return { rms, zcr }
}

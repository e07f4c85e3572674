import type { Rng } from "../../params/rng.js"
import { DataError } from "../../errors/audioml-error.js"

export interface PluckOptions {
  /** Fundamental in Hz. */
  readonly freq: number
  /** T60 of the fundamental, seconds: the time it takes to fall by 60 dB. */
  readonly decay: number
  /** 0 (dark, strong loop low-pass and a soft pick) … 1 (bright, no loop damping). */
  readonly brightness: number
  /** Where the string is plucked, as a fraction of its length (0.5 = middle); 0 = off. */
  readonly pickPosition: number
  /** Peak of the excitation burst. */
  readonly amplitude: number
}

/**
 * Extended Karplus-Strong plucked string (Jaffe & Smith 1983), added into `out` from
 * sample `start`. The loop is a delay line of N samples, a linear-phase 3-tap low-pass
 * g·(a0 + a1 z⁻¹ + a0 z⁻²) with a1 = (1+B)/2, a0 = (1−B)/4 (exactly 1 sample of delay at
 * every frequency, unit gain at DC), and a first-order all-pass tuned so that its phase delay
 * at the fundamental is exactly the fractional remainder: N + 1 + d = fs/f0. So the
 * fundamental is in tune to a small fraction of a cent, at any note. The loop gain g is set
 * from the T60 at the fundamental. The excitation is a one-period noise burst, low-passed
 * by brightness and comb-filtered at the pick position (the missing harmonics of a real
 * pluck), with its mean removed so the loop carries no DC.
 * The note is rendered until the end of `out` or 2·T60 (−120 dB), whichever comes first.
 */
export const pluckInto = (out: Float32Array, start: number, sampleRate: number, o: PluckOptions, rng: Rng): Float32Array => {
  const period = sampleRate / o.freq
  if (!(period > 2.2)) throw new DataError({ message: `pluck frequency ${o.freq} Hz is too high for ${sampleRate} Hz` })
  const first = Math.max(0, Math.round(start))
  if (first >= out.length) return out
  const B = Math.min(1, Math.max(0, o.brightness))
  const a1 = (1 + B) / 2
  const a0 = (1 - B) / 4
  const w0 = (2 * Math.PI) / period
  // The all-pass carries d ∈ [0.1, 1.1): small d puts its pole near −1 and rings.
  const N = Math.floor(period - 1.1)
  const d = period - 1 - N
  const C = Math.sin(((1 - d) * w0) / 2) / Math.sin(((1 + d) * w0) / 2)
  const firGain = a1 + 2 * a0 * Math.cos(w0)
  const perPeriod = 10 ** (-3 / (o.freq * Math.max(1e-3, o.decay)))
  const g = Math.min(1, perPeriod / firGain)

  // Excitation: N samples of noise, one-pole low-passed (darker for low brightness).
  const exc = new Float64Array(N)
  const smooth = 0.9 * (1 - B)
  let lp = 0
  for (let i = 0; i < N; i++) {
    lp = (1 - smooth) * rng.uniform(-1, 1) + smooth * lp
    exc[i] = lp
  }
  const M = Math.round(Math.min(0.5, Math.max(0, o.pickPosition)) * N)
  if (M >= 1) for (let i = N - 1; i >= M; i--) exc[i]! -= exc[i - M]!
  let mean = 0
  for (let i = 0; i < N; i++) mean += exc[i]!
  mean /= N
  let peak = 0
  for (let i = 0; i < N; i++) {
    exc[i]! -= mean
    peak = Math.max(peak, Math.abs(exc[i]!))
  }
  const scale = peak > 0 ? o.amplitude / peak : 0

  const line = new Float64Array(N)
  let idx = 0
  let v1 = 0
  let v2 = 0
  let f1 = 0
  let ap1 = 0
  const length = Math.min(out.length - first, Math.ceil(2 * Math.max(1e-3, o.decay) * sampleRate) + N)
  for (let n = 0; n < length; n++) {
    const v = line[idx]!
    const f = a0 * (v + v2) + a1 * v1
    v2 = v1
    v1 = v
    const ap = C * f + f1 - C * ap1
    f1 = f
    ap1 = ap
    const y = (n < N ? exc[n]! * scale : 0) + g * ap
    line[idx] = y
    idx = idx + 1 === N ? 0 : idx + 1
    out[first + n]! += y
  }
  return out
}

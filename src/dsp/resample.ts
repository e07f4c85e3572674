import type { Signal } from "./signal.js"
import { besselI0 } from "./bessel.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Band-limited sample-rate conversion by a rational factor up/down: a Kaiser-windowed
 * sinc low-pass applied in polyphase form (the same filter scipy.signal.resample_poly
 * designs, so its output can be matched exactly with `scipyDefaults`).
 *
 * Output sample k sits at input time k·down/up; samples outside the input count as zero;
 * the output has ceil(n·up/down) samples, as in resample_poly.
 */
export interface ResampleOptions {
  /** Half-length of the filter in zero crossings of the lower rate's sinc. More: sharper transition. */
  readonly zeroCrossings?: number
  /** Kaiser window β: stop-band attenuation ≈ β/0.1102 + 8.7 dB. */
  readonly beta?: number
  /** Cut-off as a fraction of the lower Nyquist frequency (1 = at Nyquist, as scipy). */
  readonly cutoff?: number
}

/**
 * Defaults: 64 zero crossings, β = 10 (~100 dB stop band), cut-off at 0.94 of the lower
 * Nyquist — the pass band is flat to ~0.89·Nyquist and images/aliases start
 * ~100 dB down at Nyquist (20 kHz at 44.1 kHz is kept).
 */
export const defaultResampleOptions: Required<ResampleOptions> = { zeroCrossings: 64, beta: 10, cutoff: 0.94 }

/** The filter resample_poly uses by default: firwin(20·max+1, 1/max, window=("kaiser", 5.0)). */
export const scipyDefaults: Required<ResampleOptions> = { zeroCrossings: 10, beta: 5, cutoff: 1 }

/** Above this many phases the polyphase table would be huge: taps are computed per output sample. */
const MAX_TABLE_PHASES = 2048

const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** The reduced ratio up/down taking `from` Hz to `to` Hz (both integers). */
export const resampleRatio = (from: number, to: number): { up: number; down: number } => {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from <= 0 || to <= 0)
    throw new ParameterError({ parameter: "sample rates", message: `sample rates must be positive integers, got ${from} → ${to}` })
  const g = gcd(from, to)
  return { up: to / g, down: from / g }
}

const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x))

interface Design {
  readonly up: number
  readonly down: number
  /** Filter half-length in up-sampled samples; the prototype has 2·half+1 taps. */
  readonly half: number
  /** Normalised cut-off in cycles per up-sampled sample ×2 (1 = the up-sampled Nyquist). */
  readonly fc: number
  readonly beta: number
  readonly i0Beta: number
  /** Gain so the taps sum to `up` (unit DC gain after zero-stuffing), as resample_poly. */
  readonly gain: number
}

const design = (up: number, down: number, o: Required<ResampleOptions>): Design => {
  const max = Math.max(up, down)
  const half = Math.round(o.zeroCrossings * max)
  const fc = o.cutoff / max
  const d = { up, down, half, fc, beta: o.beta, i0Beta: besselI0(o.beta), gain: 1 }
  let sum = 0
  for (let n = 0; n <= 2 * half; n++) sum += rawTap(d, n)
  return { ...d, gain: up / sum }
}

/** Prototype tap n of 2·half+1 (before gain): windowed sinc, symmetric about `half`. */
const rawTap = (d: Omit<Design, "gain">, n: number): number => {
  const m = n - d.half
  // Kaiser window over the 2·half+1 taps (symmetric, as scipy's get_window(fftbins=False)).
  const ratio = d.half === 0 ? 0 : m / d.half
  const w = besselI0(d.beta * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / d.i0Beta
  return w * d.fc * sinc(d.fc * m)
}

/**
 * Polyphase table: phase p holds taps h[p], h[p+up], h[p+2up], ... applied to
 * x[i0], x[i0-1], ... where t = k·down + half, i0 = floor(t/up), p = t mod up.
 */
const polyphaseTable = (d: Design): { taps: Float64Array; perPhase: number } => {
  const length = 2 * d.half + 1
  const perPhase = Math.ceil(length / d.up)
  const taps = new Float64Array(d.up * perPhase)
  for (let p = 0; p < d.up; p++) {
    for (let m = 0; m < perPhase; m++) {
      const n = p + m * d.up
      if (n < length) taps[p * perPhase + m] = rawTap(d, n) * d.gain
    }
  }
  return { taps, perPhase }
}

/** Resample one channel by up/down. */
export const resamplePoly = (
  x: Float32Array,
  up: number,
  down: number,
  options: ResampleOptions = {}
): Float32Array => {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1)
    throw new ParameterError({ parameter: "resample factors", message: `resample factors must be positive integers, got up=${up} down=${down}` })
  const g = gcd(up, down)
  up /= g
  down /= g
  if (up === 1 && down === 1) return x.slice()
  const o = { ...defaultResampleOptions, ...options }
  const d = design(up, down, o)
  const n = x.length
  const outLength = Math.ceil((n * up) / down)
  const y = new Float32Array(outLength)
  const length = 2 * d.half + 1

  if (up <= MAX_TABLE_PHASES) {
    const { taps, perPhase } = polyphaseTable(d)
    for (let k = 0; k < outLength; k++) {
      const t = k * down + d.half
      const i0 = Math.floor(t / up)
      const base = (t - i0 * up) * perPhase
      // valid input indices: i0 - m in [0, n)
      const mStart = i0 >= n ? i0 - n + 1 : 0
      const mEnd = Math.min(perPhase, i0 + 1)
      let acc = 0
      for (let m = mStart; m < mEnd; m++) acc += taps[base + m]! * x[i0 - m]!
      y[k] = acc
    }
    return y
  }

  // Large up factors (awkward rate pairs): evaluate the taps each output sample needs.
  for (let k = 0; k < outLength; k++) {
    const t = k * down + d.half
    const i0 = Math.floor(t / up)
    const p = t - i0 * up
    let acc = 0
    for (let m = 0, tap = p; tap < length; m++, tap += up) {
      const i = i0 - m
      if (i < 0) break
      if (i < n) acc += rawTap(d, tap) * d.gain * x[i]!
    }
    y[k] = acc
  }
  return y
}

/** Resample one channel from `from` Hz to `to` Hz (integer rates). */
export const resample = (x: Float32Array, from: number, to: number, options: ResampleOptions = {}): Float32Array => {
  const { up, down } = resampleRatio(from, to)
  return resamplePoly(x, up, down, options)
}

/** Resample every channel of a signal to `rate` Hz (a no-op when it is already there). */
export const resampleSignal = (signal: Signal, rate: number, options: ResampleOptions = {}): Signal => {
  if (signal.sampleRate === rate) return signal
  const { up, down } = resampleRatio(signal.sampleRate, rate)
  return { sampleRate: rate, channels: signal.channels.map((c) => resamplePoly(c, up, down, options)) }
}

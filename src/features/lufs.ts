import { dbToGain } from "../dsp/decibels.js"
import { ParameterError } from "../errors/audioml-error.js"
/**
 * ITU-R BS.1770-4 loudness: K-weighting (a high-shelf "pre-filter" and the RLB high-pass),
 * designed for the actual sample rate by the bilinear-transform formulas libebur128 and
 * ffmpeg's ebur128 filter use (the analogue prototypes behind the standard's 48 kHz
 * coefficients); mean square per channel, channels summed with weight 1 (mono, stereo,
 * L/R/C; BS.1770's 1.41 surround weights are not applied).
 * Integrated loudness: 400 ms blocks every 100 ms (75 % overlap), absolute gate -70 LUFS,
 * relative gate -10 LU below the absolute-gated mean. Momentary (400 ms) and short-term
 * (3 s) series are given per analysis frame, the window centred on the frame time
 * (zeros outside the signal), floored at -120 LUFS.
 */
export interface Biquad {
  readonly b0: number
  readonly b1: number
  readonly b2: number
  readonly a1: number
  readonly a2: number
}

export const kWeightingFilters = (sampleRate: number): readonly [Biquad, Biquad] => {
  if (!(sampleRate > 0)) throw new ParameterError({ parameter: "sample rate", message: `sample rate must be > 0, got ${sampleRate}` })
  // stage 1: high shelf, +4 dB above ~1.7 kHz (head acoustics)
  let f0 = 1681.974450955533
  const gain = 3.999843853973347
  let q = 0.7071752369554196
  let k = Math.tan((Math.PI * f0) / sampleRate)
  const vh = dbToGain(gain)
  const vb = Math.pow(vh, 0.4996667741545416)
  let a0 = 1 + k / q + k * k
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0
  }
  // stage 2: RLB high-pass at ~38 Hz (numerator 1, -2, 1 as in the standard)
  f0 = 38.13547087602444
  q = 0.5003270373238773
  k = Math.tan((Math.PI * f0) / sampleRate)
  a0 = 1 + k / q + k * k
  const highpass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 }
  return [shelf, highpass]
}

/**
 * The two K-weighting stages' coefficients in one Float64Array (b0 b1 b2 a1 a2 of the
 * shelf, then of the high-pass), so the hot loops below read numbers from one typed-array
 * type and never touch an object.
 */
const kWeightingCoefficients = (sampleRate: number): Float64Array => {
  const [s, h] = kWeightingFilters(sampleRate)
  return Float64Array.of(s.b0, s.b1, s.b2, s.a1, s.a2, h.b0, h.b1, h.b2, h.a1, h.a2)
}

/*
 * Why the filter runs block by block through small functions: V8 optimised a single loop over
 * the whole signal by on-stack replacement on its first call, before the code around and
 * after the loop had run, and with a per-sample `step === 1` branch inside it the optimised
 * code hit a path with no type feedback and fell back to the interpreter mid-signal: LUFS ran
 * at 0.56× numpy instead of 2.5× under load. These functions are short, branch-free and called
 * once per block, so every path has run before V8 optimises them (test/features/lufs-jit.test.ts).
 */

/** Samples per call of the per-sample kernel. */
const CHUNK = 4096

/**
 * Filters x[from, to) through both stages, continuing from `state` (x1 x2 y1 y2 z1 z2, updated),
 * and returns the sum of the squared K-weighted samples (direct form I, state in locals).
 */
const kWeightedEnergy = (x: Float32Array, from: number, to: number, k: Float64Array, state: Float64Array): number => {
  const b0 = k[0]!, b1 = k[1]!, b2 = k[2]!, a1 = k[3]!, a2 = k[4]!
  const c0 = k[5]!, c1 = k[6]!, c2 = k[7]!, d1 = k[8]!, d2 = k[9]!
  let x1 = state[0]!, x2 = state[1]!, y1 = state[2]!, y2 = state[3]!, z1 = state[4]!, z2 = state[5]!
  let acc = 0
  for (let i = from; i < to; i++) {
    const xi = x[i]!
    const yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
    x2 = x1
    x1 = xi
    const zi = c0 * yi + c1 * y1 + c2 * y2 - d1 * z1 - d2 * z2
    y2 = y1
    y1 = yi
    z2 = z1
    z1 = zi
    acc += zi * zi
  }
  state[0] = x1; state[1] = x2; state[2] = y1; state[3] = y2; state[4] = z1; state[5] = z2
  return acc
}

/** As {@link kWeightedEnergy}, but adds each squared sample into out[i] instead of summing. */
const addKWeightedPower = (x: Float32Array, from: number, to: number, k: Float64Array, state: Float64Array, out: Float64Array): void => {
  const b0 = k[0]!, b1 = k[1]!, b2 = k[2]!, a1 = k[3]!, a2 = k[4]!
  const c0 = k[5]!, c1 = k[6]!, c2 = k[7]!, d1 = k[8]!, d2 = k[9]!
  let x1 = state[0]!, x2 = state[1]!, y1 = state[2]!, y2 = state[3]!, z1 = state[4]!, z2 = state[5]!
  for (let i = from; i < to; i++) {
    const xi = x[i]!
    const yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
    x2 = x1
    x1 = xi
    const zi = c0 * yi + c1 * y1 + c2 * y2 - d1 * z1 - d2 * z2
    y2 = y1
    y1 = yi
    z2 = z1
    z1 = zi
    out[i] = out[i]! + zi * zi
  }
  state[0] = x1; state[1] = x2; state[2] = y1; state[3] = y2; state[4] = z1; state[5] = z2
}

// A few tiny calls of each kernel before its first real call (V8 allocates a function's
// feedback only after several calls): every path, including the state stores after the loop,
// then has type feedback before a long first signal makes V8 optimise the loop on-stack.
// Without them, the optimised loop bailed out at its exit ("insufficient type feedback") on
// later calls. On first use rather than at import: a cached `audioml run` imports this module
// and never measures loudness.
let primed = false
const primeKernels = (): void => {
  if (primed) return
  primed = true
  const k = kWeightingCoefficients(48000)
  const x = new Float32Array(2)
  for (let i = 0; i < 16; i++) {
    kWeightedEnergy(x, 0, 2, k, new Float64Array(6))
    addKWeightedPower(x, 0, 2, k, new Float64Array(6), new Float64Array(2))
  }
}

/** K-weighted squared signal, summed over channels (float64). */
export const kWeightedPower = (channels: ReadonlyArray<Float32Array>, sampleRate: number): Float64Array => {
  primeKernels()
  const n = channels[0]?.length ?? 0
  const out = new Float64Array(n)
  const k = kWeightingCoefficients(sampleRate)
  for (const x of channels) {
    const state = new Float64Array(6)
    const len = Math.min(n, x.length)
    for (let from = 0; from < len; from += CHUNK) addKWeightedPower(x, from, Math.min(len, from + CHUNK), k, state, out)
  }
  return out
}

const blockLoudness = (meanSquare: number): number => -0.691 + 10 * Math.log10(meanSquare)

export interface LufsResult {
  /** Integrated loudness in LUFS; -Infinity when no block passes the gates (silence, < 400 ms). */
  readonly integrated: number
  /** Loudness of each 400 ms gating block (100 ms apart), in LUFS. */
  readonly blocks: Float64Array
}

/** Integrated loudness of a (multi-channel) signal by BS.1770-4 gating. */
export const integratedLoudness = (channels: ReadonlyArray<Float32Array>, sampleRate: number): LufsResult => {
  primeKernels()
  // K-weighted energy per 100 ms step straight from the filters (no signal-length buffer)
  const n = channels[0]?.length ?? 0
  const step = Math.round(sampleRate * 0.1)
  const stepSum = new Float64Array(Math.floor(n / step))
  const k = kWeightingCoefficients(sampleRate)
  for (const x of channels) {
    // whole 100 ms steps only: a partial last step is dropped, as the gating uses whole steps
    const state = new Float64Array(6)
    const steps = Math.min(stepSum.length, Math.floor(x.length / step))
    for (let j = 0; j < steps; j++) stepSum[j] = stepSum[j]! + kWeightedEnergy(x, j * step, (j + 1) * step, k, state)
  }
  return integratedFromStepSums(stepSum, n, step)
}

export const integratedFromPower = (power: Float64Array, sampleRate: number): LufsResult => {
  const step = Math.round(sampleRate * 0.1)
  const n = power.length
  // sums per 100 ms step, then 4 consecutive steps per block
  const steps = Math.floor(n / step)
  const stepSum = new Float64Array(steps)
  for (let j = 0; j < steps; j++) {
    let acc = 0
    const base = j * step
    for (let i = 0; i < step; i++) acc += power[base + i]!
    stepSum[j] = acc
  }
  return integratedFromStepSums(stepSum, n, step)
}

/** Gated integrated loudness from the K-weighted energy of each 100 ms step of an n-sample signal. */
const integratedFromStepSums = (stepSum: Float64Array, n: number, step: number): LufsResult => {
  const block = 4 * step
  const count = n < block ? 0 : Math.floor((n - block) / step) + 1
  const z = new Float64Array(count)
  const blocks = new Float64Array(count)
  for (let j = 0; j < count; j++) {
    z[j] = (stepSum[j]! + stepSum[j + 1]! + stepSum[j + 2]! + stepSum[j + 3]!) / block
    blocks[j] = blockLoudness(z[j]!)
  }
  let sum = 0
  let kept = 0
  for (let j = 0; j < count; j++)
    if (blocks[j]! > -70) {
      sum += z[j]!
      kept++
    }
  if (kept === 0) return { integrated: -Infinity, blocks }
  const relativeGate = blockLoudness(sum / kept) - 10
  sum = 0
  kept = 0
  for (let j = 0; j < count; j++)
    if (blocks[j]! > -70 && blocks[j]! > relativeGate) {
      sum += z[j]!
      kept++
    }
  return { integrated: kept === 0 ? -Infinity : blockLoudness(sum / kept), blocks }
}

const FLOOR_LUFS = -120

/**
 * Sliding loudness over a window of `windowSeconds` centred on each frame time t * hop,
 * from a K-weighted power signal (prefix sums: O(1) per frame).
 */
export const slidingLoudness = (power: Float64Array, sampleRate: number, hop: number, frames: number, windowSeconds: number): Float32Array => {
  const n = power.length
  const prefix = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + power[i]!
  const w = Math.round(windowSeconds * sampleRate)
  const halfW = Math.floor(w / 2)
  const out = new Float32Array(frames)
  for (let t = 0; t < frames; t++) {
    const lo = Math.min(n, Math.max(0, t * hop - halfW))
    const hi = Math.min(n, Math.max(0, t * hop - halfW + w))
    const ms = (prefix[hi]! - prefix[lo]!) / w
    out[t] = ms > 0 ? Math.max(FLOOR_LUFS, blockLoudness(ms)) : FLOOR_LUFS
  }
  return out
}

export interface LoudnessSeries {
  readonly integrated: number
  readonly momentary: Float32Array
  readonly shortTerm: Float32Array
}

/** Integrated loudness plus momentary and short-term series on frames t * hop (t < frames). */
export const lufs = (channels: ReadonlyArray<Float32Array>, sampleRate: number, hop: number, frames: number): LoudnessSeries => {
  const power = kWeightedPower(channels, sampleRate)
  return {
    integrated: integratedFromPower(power, sampleRate).integrated,
    momentary: slidingLoudness(power, sampleRate, hop, frames, 0.4),
    shortTerm: slidingLoudness(power, sampleRate, hop, frames, 3)
  }
}

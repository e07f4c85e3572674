import { besselI0 } from "./bessel.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Oversampling for nonlinearities: up by 2, 4 or 8 through a cascade of polyphase
 * half-band FIR stages, run a shaper at the high rate, and come back down through the
 * same kind of stages. The output is latency-compensated: sample i of the result lines
 * up with sample i of the input, so dry/wet mixes and dry/wet training pairs stay aligned.
 *
 * Filters: Kaiser-windowed half-band sinc. The first stage (base rate <-> 2x) is steep
 * (123 taps, passband flat to 0.4535 fs, i.e. 20 kHz at 44.1 kHz, stopband from 0.5465 fs,
 * about 77 dB down); inner stages only have to protect the base band, so they are short
 * (23 and 19 taps, about 75-80 dB). Half of a half-band's taps are zero and the centre
 * tap is 1/2, so each output costs about a quarter of the taps in multiplies (symmetric
 * pairs, one phase a pure delay).
 */

export type OversampleFactor = 1 | 2 | 4 | 8

export const oversampleFactors: ReadonlyArray<OversampleFactor> = [1, 2, 4, 8]

/**
 * Even-indexed taps h[0], h[2], ..., h[4K+2] of a Kaiser-windowed half-band lowpass with
 * 4K+3 taps (the odd-offset taps are zero apart from the centre, which is 1/2).
 */
const halfbandEvenTaps = (K: number, beta: number): Float64Array => {
  const N = 4 * K + 3
  const c = (N - 1) / 2
  const taps = new Float64Array(2 * K + 2)
  const i0b = besselI0(beta)
  for (let i = 0; i < taps.length; i++) {
    const k = 2 * i
    const m = k - c // odd
    const r = (2 * k) / (N - 1) - 1
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b
    const x = (Math.PI * m) / 2
    taps[i] = (0.5 * Math.sin(x)) / x * w
  }
  return taps
}

interface HalfbandSpec {
  readonly K: number
  readonly beta: number
}

/** Stage l = 0 is base <-> 2x; later stages are short. */
const stageSpecs: ReadonlyArray<HalfbandSpec> = [
  { K: 30, beta: 9 },
  { K: 5, beta: 8 },
  { K: 4, beta: 8 }
]

/** Doubles the rate: per input sample, one filtered phase and one delayed copy. */
class HalfbandUp {
  private readonly g: Float64Array // 2 * even taps (zero-stuffing gain of 2)
  private readonly M: number
  private readonly K: number
  private ext: Float64Array

  constructor(spec: HalfbandSpec) {
    const h = halfbandEvenTaps(spec.K, spec.beta)
    this.g = h.map((v) => 2 * v)
    this.M = h.length
    this.K = spec.K
    this.ext = new Float64Array(this.M - 1)
  }

  /** Writes 2n samples to `out`. */
  process(input: Float64Array, n: number, out: Float64Array): void {
    const H = this.M - 1
    if (this.ext.length < H + n) {
      const bigger = new Float64Array(H + n)
      bigger.set(this.ext.subarray(0, H))
      this.ext = bigger
    }
    const ext = this.ext
    ext.set(input.subarray(0, n), H)
    const g = this.g
    const half = this.M >> 1
    const K = this.K
    for (let j = 0; j < n; j++) {
      const p = j + H
      const q = p - H // p - (M - 1)
      let acc = 0
      for (let i = 0; i < half; i++) acc += g[i]! * (ext[p - i]! + ext[q + i]!)
      out[2 * j] = acc
      out[2 * j + 1] = ext[p - K]!
    }
    ext.copyWithin(0, n, n + H)
  }
}

/** Halves the rate: z[n] = 1/2 w[2n - c] + sum_i h[2i] w[2n - 2i]. */
class HalfbandDown {
  private readonly h: Float64Array
  private readonly M: number
  private readonly c: number
  private ext: Float64Array

  constructor(spec: HalfbandSpec) {
    this.h = halfbandEvenTaps(spec.K, spec.beta)
    this.M = this.h.length
    this.c = 2 * spec.K + 1
    this.ext = new Float64Array(2 * this.M - 2)
  }

  /** Reads 2n samples, writes n. */
  process(input: Float64Array, n: number, out: Float64Array): void {
    const H = 2 * this.M - 2
    const len = 2 * n
    if (this.ext.length < H + len) {
      const bigger = new Float64Array(H + len)
      bigger.set(this.ext.subarray(0, H))
      this.ext = bigger
    }
    const ext = this.ext
    ext.set(input.subarray(0, len), H)
    const h = this.h
    const half = this.M >> 1
    const c = this.c
    for (let j = 0; j < n; j++) {
      const p = H + 2 * j
      const q = p - H // p - 2(M - 1)
      let acc = 0.5 * ext[p - c]!
      for (let i = 0; i < half; i++) acc += h[i]! * (ext[p - 2 * i]! + ext[q + 2 * i]!)
      out[j] = acc
    }
    ext.copyWithin(0, len, len + H)
  }
}

/**
 * A shaper runs in place on `length` samples of `block` at `rate` Hz (the oversampled
 * rate). It is called once per block, in order, so it may keep state between calls.
 */
export type BlockShaper = (block: Float64Array, length: number, rate: number) => void

const BLOCK = 1024

export class Oversampler {
  readonly levels: number
  /** Delay, in base-rate samples, that `run` compensates. */
  readonly latency: number
  /** Extra delay at the top rate that makes the total latency a whole number of base samples. */
  private readonly topDelay: number

  constructor(readonly factor: OversampleFactor) {
    if (!oversampleFactors.includes(factor)) throw new ParameterError({ parameter: "oversample", message: `oversample must be 1, 2, 4 or 8 (got ${factor})` })
    this.levels = Math.round(Math.log2(factor))
    // Level l's up/down pair delays by 2c samples at rate 2^(l+1), i.e. 2c * 2^(L-l-1) top-rate samples.
    let top = 0
    for (let l = 0; l < this.levels; l++) top += 2 * (2 * stageSpecs[l]!.K + 1) * 2 ** (this.levels - l - 1)
    this.topDelay = (factor - (top % factor)) % factor
    this.latency = (top + this.topDelay) / factor
  }

  /** Upsample `input`, apply `shape` at the high rate, downsample; same length as the input. */
  run(input: Float32Array, sampleRate: number, shape: BlockShaper): Float32Array {
    const n = input.length
    const out = new Float32Array(n)
    const L = this.levels
    const ups = stageSpecs.slice(0, L).map((s) => new HalfbandUp(s))
    const downs = stageSpecs.slice(0, L).map((s) => new HalfbandDown(s))
    const bufs: Float64Array[] = []
    for (let l = 0; l <= L; l++) bufs.push(new Float64Array(BLOCK << l))
    const topRate = sampleRate * this.factor
    const d = this.topDelay
    const delayHist = new Float64Array(d)
    const delayTmp = new Float64Array(d)
    const D = this.latency
    const total = n + D
    for (let start = 0; start < total; start += BLOCK) {
      const len = Math.min(BLOCK, total - start)
      const base = bufs[0]!
      // Past the end, hold the last sample: a step down to zero would ring through the
      // filters and, once shaped, leave an overshoot on the last few output samples.
      const tail = n > 0 ? input[n - 1]! : 0
      for (let i = 0; i < len; i++) {
        const k = start + i
        base[i] = k < n ? input[k]! : tail
      }
      for (let l = 0; l < L; l++) ups[l]!.process(bufs[l]!, len << l, bufs[l + 1]!)
      const top = bufs[L]!
      const topLen = len << L
      shape(top, topLen, topRate)
      if (d > 0) {
        // Shift the block right by d samples through a d-sample history.
        delayTmp.set(top.subarray(topLen - d, topLen))
        top.copyWithin(d, 0, topLen - d)
        top.set(delayHist, 0)
        delayHist.set(delayTmp)
      }
      for (let l = L - 1; l >= 0; l--) downs[l]!.process(bufs[l + 1]!, len << l, bufs[l]!)
      for (let i = 0; i < len; i++) {
        const k = start + i - D
        if (k >= 0 && k < n) out[k] = base[i]!
      }
    }
    return out
  }
}

/** Run `shape` on `input` at `factor` times its rate (factor 1: at the input rate, no filtering). */
export const oversampled = (input: Float32Array, sampleRate: number, factor: OversampleFactor, shape: BlockShaper): Float32Array =>
  new Oversampler(factor).run(input, sampleRate, shape)

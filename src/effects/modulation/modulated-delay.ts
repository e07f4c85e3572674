import { DelayLine } from "../../dsp/delay-line.js"
import type { LfoShape } from "../../dsp/lfo.js"

export interface ModulatedDelaySettings {
  /** Delay at LFO = 0, in samples. */
  readonly baseSamples: number
  /** Peak deviation from the base, in samples: delay = base + amplitude · lfo. */
  readonly amplitudeSamples: number
  readonly rateHz: number
  readonly shape: LfoShape
  /** Start phase of voice 0 in cycles; voice k starts k / voices cycles later. */
  readonly phaseCycles: number
  readonly voices: number
  /** Share of the (voice-averaged) wet signal fed back into the line. */
  readonly feedback: number
  readonly mix: number
}

const TWO_PI = 2 * Math.PI
/** Samples per block: the LFO is re-synchronised from the exact phase at every block start. */
const BLOCK = 256
/**
 * The sine LFO is evaluated every 2^shift samples (at most 32) and the delay ramped
 * linearly between; shift is the largest that keeps the ramp within MAX_RAMP_ERROR samples.
 */
const MAX_LFO_SHIFT = 5
/** Largest deviation of the linear delay ramp from the sine, in samples. */
const MAX_RAMP_ERROR = 0.01

/**
 * The core of chorus, flanger and vibrato: one delay line read by `voices` taps whose
 * delays follow an LFO, evenly spread in phase. Delays below 2 samples are clamped
 * (the interpolator needs two written samples after the read point).
 *   wet[n] = mean_k v[n - d_k(n)],  v[n] = x[n] + feedback · wet[n]  (v is what the line holds)
 *   out[n] = (1 - mix) x[n] + mix · wet[n]
 * Reads are 4-point Hermite, as DelayLine.read.
 *
 * Block LFO: a sine LFO is evaluated every `step` samples by rotating a phasor and the
 * delay is interpolated linearly in between: the per-sample phasor was a chain of
 * dependent multiply-adds per voice, the largest cost of a chorus. The ramp deviates from
 * the sine by at most amplitude·(2π·rate·step/fs)²/8 samples; step is the largest power
 * of two up to 32 that keeps this under 0.01 samples (32 for sweeps up to about 4 Hz at
 * ±3 ms, 44.1 kHz; 2 for the extreme 20 Hz at ±25 ms). A triangle LFO, straight lines
 * already, is computed exactly per sample.
 */
export const modulatedDelay = (input: Float32Array, sampleRate: number, s: ModulatedDelaySettings): Float32Array => {
  const out = new Float32Array(input.length)
  modulatedDelayInto(input, out, sampleRate, s)
  return out
}

/** {@link modulatedDelay} written into `out` (the input's length, not the input itself). */
export const modulatedDelayInto = (input: Float32Array, out: Float32Array, sampleRate: number, s: ModulatedDelaySettings): void => {
  if (s.feedback === 0) feedforward(input, out, sampleRate, s)
  else withFeedback(input, out, sampleRate, s)
}

/**
 * Every voice's LFO over one block: a sine voice as linear ramps of the delay between
 * points `step` samples apart (the sine there from a phasor rotated per step,
 * re-synchronised from the exact phase at each block start); a triangle voice as its
 * start phase, evaluated exactly per sample by the reader.
 */
class BlockLfo {
  readonly voices: number
  readonly sine: boolean
  /** The sine is evaluated every step = 2^shift samples. */
  readonly shift: number
  readonly step: number
  /** Points per voice in `points`: BLOCK / step + 1. */
  readonly perVoice: number
  /** Sine: voice k's delay at the block's step points, from k·perVoice. */
  readonly points: Float64Array
  /** Triangle: voice k's phase (cycles, [0, 1)) at the block start. */
  readonly phases: Float64Array
  readonly inc: number
  private readonly phase0: number
  private readonly stepCos: number
  private readonly stepSin: number

  constructor(
    s: ModulatedDelaySettings,
    sampleRate: number,
    readonly base: number,
    readonly amp: number
  ) {
    this.voices = Math.max(1, Math.floor(s.voices))
    this.sine = s.shape === "sine"
    this.inc = s.rateHz / sampleRate
    let shift = MAX_LFO_SHIFT
    while (shift > 0 && (Math.abs(amp) * (TWO_PI * this.inc * (1 << shift)) ** 2) / 8 > MAX_RAMP_ERROR) shift--
    this.shift = shift
    this.step = 1 << shift
    this.perVoice = (BLOCK >> shift) + 1
    this.points = new Float64Array(this.voices * this.perVoice)
    this.phases = new Float64Array(this.voices)
    this.phase0 = s.phaseCycles - Math.floor(s.phaseCycles)
    this.stepCos = Math.cos(TWO_PI * this.inc * this.step)
    this.stepSin = Math.sin(TWO_PI * this.inc * this.step)
  }

  /** The LFO of the block starting at sample `start`. */
  fill(start: number): void {
    const min = DelayLine.minDelay
    const per = this.perVoice
    for (let k = 0; k < this.voices; k++) {
      let phase = this.phase0 + start * this.inc + k / this.voices
      phase -= Math.floor(phase)
      this.phases[k] = phase
      if (!this.sine) continue
      let c = Math.cos(TWO_PI * phase)
      let sn = Math.sin(TWO_PI * phase)
      for (let p = 0; p < per; p++) {
        const d = this.base + this.amp * sn
        // both ends of a ramp >= min, so is every point between
        this.points[k * per + p] = d < min ? min : d
        const c2 = c * this.stepCos - sn * this.stepSin
        sn = sn * this.stepCos + c * this.stepSin
        c = c2
      }
    }
  }
}

/*
 * The tap readers: 4-point cubic Hermite (Catmull-Rom, the interpolation of DelayLine.read)
 * of x[i − d] for d >= 2, in the x-form of Niemitalo ("Polynomial interpolators for
 * high-quality resampling of oversampled audio", 2001), 16 operations a tap:
 *   c1 = (x1 − xm1)/2, c3 = (x2 − xm1)/2 + 3(x0 − x1)/2, c2 = xm1 − x0 + c1 − c3,
 *   y = ((c3 t + c2) t + c1) t + x0
 * with x0 = x[i − floor(d) − 1], x1 = x[i − floor(d)], t = 1 − frac(d).
 */

/**
 * wet[j] += src[origin + j − d_j] over j in [0, len), d_j ramping linearly between the
 * voice's points (points[at + p] at j = p·step). While floor(d) stays the same the four
 * taps move on by one sample a sample, so they slide through locals and one new sample is
 * read (about 15 % faster); the whole block is one call (a call per ramp cost 3 % more).
 */
const readRamps = (src: Float32Array, origin: number, len: number, points: Float64Array, at: number, step: number, wet: Float64Array): void => {
  let last = -2
  let xm1 = 0
  let x0 = 0
  let x1 = 0
  let x2 = 0
  const inv = 1 / step
  for (let p = 0, j0 = 0; j0 < len; p++, j0 += step) {
    const d0 = points[at + p]!
    const slope = (points[at + p + 1]! - d0) * inv
    const j1 = j0 + step < len ? j0 + step : len
    // the read position origin + j − d, advancing 1 − slope a sample: with i = floor(pos),
    // taps i − 1 .. i + 2 and t = pos − i (the same interpolant as taps around
    // origin + j − floor(d) with t = 1 − frac(d); at an integer delay both give the tap)
    let pos = origin + j0 - d0
    const advance = 1 - slope
    for (let j = j0; j < j1; j++, pos += advance) {
      const i = pos | 0 // pos >= 2: truncation is the floor
      const t = pos - i
      const b = i + 1
      if (b === last + 1) {
        xm1 = x0
        x0 = x1
        x1 = x2
        x2 = src[b + 1]!
      } else {
        xm1 = src[b - 2]!
        x0 = src[b - 1]!
        x1 = src[b]!
        x2 = src[b + 1]!
      }
      last = b
      const c1 = 0.5 * (x1 - xm1)
      const c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1)
      const c2 = xm1 - x0 + c1 - c3
      wet[j] += ((c3 * t + c2) * t + c1) * t + x0
    }
  }
}

/** wet[j] += src[origin + j − d] over j in [0, len), d = max(2, base + amp·triangle(phase + j·inc)). */
const readTriangle = (src: Float32Array, origin: number, len: number, base: number, amp: number, phase: number, inc: number, wet: Float64Array): void => {
  const min = DelayLine.minDelay
  for (let j = 0; j < len; j++) {
    const q = phase + j * inc + 0.25
    const e = base + amp * (1 - 4 * Math.abs(q - Math.floor(q) - 0.5))
    const d = e < min ? min : e
    const whole = d | 0
    const t = 1 - (d - whole)
    const b = origin + j - whole
    const xm1 = src[b - 2]!
    const x0 = src[b - 1]!
    const x1 = src[b]!
    const x2 = src[b + 1]!
    const c1 = 0.5 * (x1 - xm1)
    const c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1)
    const c2 = xm1 - x0 + c1 - c3
    wet[j] += ((c3 * t + c2) * t + c1) * t + x0
  }
}

/** Voice k's taps over the block (len samples) into wet. */
const readVoice = (lfo: BlockLfo, k: number, src: Float32Array, origin: number, len: number, wet: Float64Array): void => {
  if (!lfo.sine) {
    readTriangle(src, origin, len, lfo.base, lfo.amp, lfo.phases[k]!, lfo.inc, wet)
    return
  }
  readRamps(src, origin, len, lfo.points, k * lfo.perVoice, lfo.step, wet)
}

/**
 * Without feedback the line holds just the input: each voice reads `input` straight, over a
 * block (independent reads, no ring-buffer writes between them). The first samples, whose
 * taps reach before the input's start, read a zero-padded copy of the input's head instead.
 */
const feedforward = (input: Float32Array, out: Float32Array, sampleRate: number, s: ModulatedDelaySettings): void => {
  const n = input.length
  const base = s.baseSamples
  const amp = s.amplitudeSamples
  const lfo = new BlockLfo(s, sampleRate, base, amp)
  const voices = lfo.voices
  // a tap at delay d reads x[i - floor(d) - 2 .. i - floor(d) + 1]
  const pad = Math.ceil(base + Math.abs(amp)) + 4
  const headLength = Math.min(n, Math.ceil(pad / BLOCK) * BLOCK)
  const head = new Float32Array(pad + headLength)
  head.set(input.subarray(0, headLength), pad)
  const wet = new Float64Array(BLOCK)
  const scale = s.mix / voices
  const dry = 1 - s.mix
  for (let start = 0; start < n; start += BLOCK) {
    const len = start + BLOCK < n ? BLOCK : n - start
    lfo.fill(start)
    wet.fill(0)
    const inHead = start < headLength
    for (let k = 0; k < voices; k++) readVoice(lfo, k, inHead ? head : input, inHead ? pad + start : start, len, wet)
    mixBlock(input, out, start, len, wet, dry, scale)
  }
}

const mixBlock = (input: Float32Array, out: Float32Array, start: number, len: number, wet: Float64Array, dry: number, scale: number): void => {
  for (let j = 0; j < len; j++) out[start + j] = dry * input[start + j]! + scale * wet[j]!
}

/**
 * The general path: one ring buffer (a power of two long, wrapped with a mask), read by
 * every voice, then written with the fed-back wet signal, sample by sample. The voices'
 * delays of a block are laid out first (the LFO as in the feed-forward path).
 */
const withFeedback = (input: Float32Array, out: Float32Array, sampleRate: number, s: ModulatedDelaySettings): void => {
  const n = input.length
  const lfo = new BlockLfo(s, sampleRate, s.baseSamples, s.amplitudeSamples)
  const voices = lfo.voices
  let size = 8
  while (size < Math.ceil(s.baseSamples + Math.abs(s.amplitudeSamples)) + 4) size <<= 1
  const ring = new Float64Array(size)
  const delays = new Float64Array(voices * BLOCK)
  const state = new Int32Array(1) // write index
  for (let start = 0; start < n; start += BLOCK) {
    const len = start + BLOCK < n ? BLOCK : n - start
    lfo.fill(start)
    for (let k = 0; k < voices; k++) voiceDelays(lfo, k, len, delays)
    feedbackBlock(input, out, start, len, ring, size - 1, state, delays, voices, s.feedback, 1 - s.mix, s.mix)
  }
}

/** Voice k's delays over the block into delays[k·BLOCK ..]. */
const voiceDelays = (lfo: BlockLfo, k: number, len: number, delays: Float64Array): void => {
  const at = k * BLOCK
  if (lfo.sine) {
    const points = lfo.points
    const shift = lfo.shift
    const per = lfo.perVoice
    const inv = 1 / lfo.step
    for (let j = 0; j < len; j++) {
      const p = j >> shift
      const d0 = points[k * per + p]!
      delays[at + j] = d0 + (j - (p << shift)) * ((points[k * per + p + 1]! - d0) * inv)
    }
    return
  }
  const min = DelayLine.minDelay
  const phase = lfo.phases[k]!
  for (let j = 0; j < len; j++) {
    const q = phase + j * lfo.inc + 0.25
    const d = lfo.base + lfo.amp * (1 - 4 * Math.abs(q - Math.floor(q) - 0.5))
    delays[at + j] = d < min ? min : d
  }
}

const feedbackBlock = (
  input: Float32Array,
  out: Float32Array,
  start: number,
  len: number,
  ring: Float64Array,
  mask: number,
  state: Int32Array,
  delays: Float64Array,
  voices: number,
  fb: number,
  dry: number,
  mix: number
): void => {
  const invVoices = 1 / voices
  let w = state[0]!
  for (let j = 0; j < len; j++) {
    let wet = 0
    for (let k = 0; k < voices; k++) {
      // DelayLine.read: x[n − d], taps around w − floor(d)
      const d = delays[k * BLOCK + j]!
      const whole = d | 0
      const t = 1 - (d - whole)
      const b = w - whole
      const xm1 = ring[(b - 2) & mask]!
      const x0 = ring[(b - 1) & mask]!
      const x1 = ring[b & mask]!
      const x2 = ring[(b + 1) & mask]!
      const c1 = 0.5 * (x1 - xm1)
      const c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1)
      const c2 = xm1 - x0 + c1 - c3
      wet += ((c3 * t + c2) * t + c1) * t + x0
    }
    wet *= invVoices
    const x = input[start + j]!
    ring[w] = x + fb * wet
    w = (w + 1) & mask
    out[start + j] = dry * x + mix * wet
  }
  state[0] = w
}

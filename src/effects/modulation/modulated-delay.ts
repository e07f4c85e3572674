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
/** Samples between exact re-synchronisations of the LFO phasor. */
const BLOCK = 256

/**
 * The core of chorus, flanger and vibrato: one delay line read by `voices` taps whose
 * delays follow an LFO, evenly spread in phase. Delays below 2 samples are clamped
 * (the interpolator needs two written samples after the read point).
 *   wet[n] = mean_k v[n - d_k(n)],  v[n] = x[n] + feedback · wet[n]  (v is what the line holds)
 *   out[n] = (1 - mix) x[n] + mix · wet[n]
 */
export const modulatedDelay = (input: Float32Array, sampleRate: number, s: ModulatedDelaySettings): Float32Array =>
  s.feedback === 0 ? feedforward(input, sampleRate, s) : withFeedback(input, sampleRate, s)

/**
 * Without feedback the line holds just the input: read it straight from a zero-padded
 * copy, one voice at a time over a block, so the voices' reads are independent work
 * (no ring-buffer writes between them).
 */
const feedforward = (input: Float32Array, sampleRate: number, s: ModulatedDelaySettings): Float32Array => {
  const n = input.length
  const out = new Float32Array(n)
  const voices = Math.max(1, Math.floor(s.voices))
  const base = s.baseSamples
  const amp = s.amplitudeSamples
  const pad = Math.ceil(base + Math.abs(amp)) + 4
  const padded = new Float32Array(n + pad)
  padded.set(input, pad)
  const inc = s.rateHz / sampleRate
  const sine = s.shape === "sine"
  const stepCos = Math.cos(TWO_PI * inc)
  const stepSin = Math.sin(TWO_PI * inc)
  const phase0 = s.phaseCycles - Math.floor(s.phaseCycles)
  const wet = new Float64Array(BLOCK)
  const scale = s.mix / voices
  const dry = 1 - s.mix
  for (let start = 0; start < n; start += BLOCK) {
    const len = start + BLOCK < n ? BLOCK : n - start
    wet.fill(0)
    const origin = pad + start
    for (let k = 0; k < voices; k++) {
      let phase = phase0 + start * inc + k / voices
      phase -= Math.floor(phase)
      let c = Math.cos(TWO_PI * phase)
      let sn = Math.sin(TWO_PI * phase)
      for (let j = 0; j < len; j++) {
        let lfo: number
        if (sine) {
          lfo = sn
          const c2 = c * stepCos - sn * stepSin
          sn = sn * stepCos + c * stepSin
          c = c2
        } else {
          const q = phase < 0.75 ? phase + 0.25 : phase - 0.75
          lfo = 1 - 4 * Math.abs(q - 0.5)
          phase += inc
          if (phase >= 1) phase -= 1
        }
        let d = base + amp * lfo
        if (d < DelayLine.minDelay) d = DelayLine.minDelay
        // Hermite read of x[n - d] (same taps and formula as DelayLine.read)
        const whole = d | 0 // d >= 2: truncation is the floor
        const t = 1 - (d - whole)
        const b = origin + j - whole
        const xm1 = padded[b - 2]!
        const x0 = padded[b - 1]!
        const x1 = padded[b]!
        const x2 = padded[b + 1]!
        const c1 = 0.5 * (x1 - xm1)
        const k2 = xm1 - 2.5 * x0 + 2 * x1 - 0.5 * x2
        const k3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1)
        wet[j] += ((k3 * t + k2) * t + c1) * t + x0
      }
    }
    for (let j = 0; j < len; j++) out[start + j] = dry * input[start + j]! + scale * wet[j]!
  }
  return out
}

/** The general path: one ring buffer, read by every voice, then written with the fed-back wet signal. */
const withFeedback = (input: Float32Array, sampleRate: number, s: ModulatedDelaySettings): Float32Array => {
  const n = input.length
  const out = new Float32Array(n)
  const voices = Math.max(1, Math.floor(s.voices))
  const line = new DelayLine(s.baseSamples + Math.abs(s.amplitudeSamples) + 4)
  const base = s.baseSamples
  const amp = s.amplitudeSamples
  const inc = s.rateHz / sampleRate
  const sine = s.shape === "sine"
  const invVoices = 1 / voices
  const fb = s.feedback
  const dry = 1 - s.mix
  const mix = s.mix
  // voice k's phase offset k/voices: for the sine, as a fixed rotation (cos, sin) of voice 0
  const offset = new Float64Array(voices)
  const offCos = new Float64Array(voices)
  const offSin = new Float64Array(voices)
  for (let k = 0; k < voices; k++) {
    offset[k] = k * invVoices
    offCos[k] = Math.cos(TWO_PI * offset[k]!)
    offSin[k] = Math.sin(TWO_PI * offset[k]!)
  }
  // The sine LFO runs as a rotating phasor (two multiply-adds a sample instead of
  // Math.sin per voice), re-synchronised from the exact phase every block so no error builds up.
  const stepCos = Math.cos(TWO_PI * inc)
  const stepSin = Math.sin(TWO_PI * inc)
  const phase0 = s.phaseCycles - Math.floor(s.phaseCycles)
  let c = 0
  let sn = 0
  for (let start = 0; start < n; start += BLOCK) {
    const end = start + BLOCK < n ? start + BLOCK : n
    let phase = phase0 + start * inc
    phase -= Math.floor(phase)
    c = Math.cos(TWO_PI * phase)
    sn = Math.sin(TWO_PI * phase)
    for (let i = start; i < end; i++) {
      let wet = 0
      for (let k = 0; k < voices; k++) {
        let lfo: number
        if (sine) lfo = sn * offCos[k]! + c * offSin[k]!
        else {
          let p = phase + offset[k]!
          if (p >= 1) p -= 1
          const q = p < 0.75 ? p + 0.25 : p - 0.75
          lfo = 1 - 4 * Math.abs(q - 0.5)
        }
        wet += line.read(base + amp * lfo)
      }
      wet *= invVoices
      const x = input[i]!
      line.write(x + fb * wet)
      out[i] = dry * x + mix * wet
      const c2 = c * stepCos - sn * stepSin
      sn = sn * stepCos + c * stepSin
      c = c2
      phase += inc
      if (phase >= 1) phase -= 1
    }
  }
  return out
}

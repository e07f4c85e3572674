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

/**
 * The core of chorus, flanger and vibrato: one delay line read by `voices` taps whose
 * delays follow an LFO, evenly spread in phase. Delays below 2 samples are clamped
 * (the interpolator needs two written samples after the read point).
 *   wet[n] = mean_k v[n - d_k(n)],  v[n] = x[n] + feedback · wet[n]  (v is what the line holds)
 *   out[n] = (1 - mix) x[n] + mix · wet[n]
 */
export const modulatedDelay = (input: Float32Array, sampleRate: number, s: ModulatedDelaySettings): Float32Array => {
  const n = input.length
  const out = new Float32Array(n)
  const voices = Math.max(1, Math.floor(s.voices))
  const line = new DelayLine(s.baseSamples + Math.abs(s.amplitudeSamples) + 4)
  const base = s.baseSamples
  const amp = s.amplitudeSamples
  const inc = s.rateHz / sampleRate
  const spread = 1 / voices
  const sine = s.shape === "sine"
  const invVoices = 1 / voices
  const fb = s.feedback
  const dry = 1 - s.mix
  const mix = s.mix
  let phase = s.phaseCycles - Math.floor(s.phaseCycles)
  for (let i = 0; i < n; i++) {
    let wet = 0
    for (let k = 0; k < voices; k++) {
      let p = phase + k * spread
      if (p >= 1) p -= 1
      let lfo: number
      if (sine) lfo = Math.sin(TWO_PI * p)
      else {
        const q = p < 0.75 ? p + 0.25 : p - 0.75
        lfo = 1 - 4 * Math.abs(q - 0.5)
      }
      wet += line.read(base + amp * lfo)
    }
    wet *= invVoices
    const x = input[i]!
    line.write(x + fb * wet)
    out[i] = dry * x + mix * wet
    phase += inc
    if (phase >= 1) phase -= Math.floor(phase)
  }
  return out
}

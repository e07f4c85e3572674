import type { Rng } from "../../params/rng.js"
import { adsrInto, type Adsr } from "./adsr.js"
import { oscillatorInto, type Waveform } from "./polyblep.js"
import { svfInPlace, type SvfMode } from "./svf.js"

export interface SynthNoteOptions extends Adsr {
  readonly freq: number
  readonly waveform: Waveform
  /** Unison voices, spread evenly over ±detune/2 cents. */
  readonly voices: number
  readonly detune: number
  readonly filter: SvfMode | "none"
  readonly cutoff: number
  /** Filter Q (0.707 = no peak; higher rings at the cutoff). */
  readonly resonance: number
  /** The envelope opens the cutoff by this many octaves at its peak (0 = static filter). */
  readonly filterEnv: number
  /** Gate length in seconds: the release starts here. */
  readonly duration: number
  readonly amplitude: number
}

/**
 * One subtractive-synth note added into `out` from sample `start`: PolyBLEP oscillator(s)
 * → TPT state-variable filter (its cutoff optionally following the envelope) → ADSR.
 * Voice phases are random (from `rng`) so unison voices do not start phase-locked.
 */
export const synthNoteInto = (out: Float32Array, start: number, sampleRate: number, o: SynthNoteOptions, rng: Rng): Float32Array => {
  const first = Math.max(0, Math.round(start))
  const length = Math.min(out.length - first, Math.ceil((o.duration + o.release) * sampleRate) + 1)
  if (length <= 0) return out
  const buf = new Float32Array(length)
  const voices = Math.max(1, Math.round(o.voices))
  for (let v = 0; v < voices; v++) {
    const cents = voices === 1 ? 0 : o.detune * (v / (voices - 1) - 0.5)
    const f = o.freq * 2 ** (cents / 1200)
    oscillatorInto(buf, sampleRate, o.waveform, Math.min(f, sampleRate * 0.45), 1 / voices, voices === 1 ? 0 : rng.next())
  }
  const env = adsrInto(new Float32Array(length), sampleRate, o, o.duration)
  if (o.filter !== "none") {
    const cutoff = o.cutoff
    const octaves = o.filterEnv
    svfInPlace(buf, sampleRate, o.filter, o.resonance, octaves === 0 ? () => cutoff : (i) => cutoff * 2 ** (octaves * env[i]!))
  }
  const a = o.amplitude
  for (let i = 0; i < length; i++) out[first + i]! += a * buf[i]! * env[i]!
  return out
}

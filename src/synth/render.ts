/**
 * audioml's own subtractive synth with amsynth's parameter set and signal flow
 * (VoiceBoard → Distortion → Freeverb → SoftLimiter), rendering one note of a preset.
 * It follows amsynth's structure block by block (64 frames): the LFO's first sample of a
 * block drives pitch and cutoff, the filter envelope's last sample drives the cutoff, the
 * amplitude is modulated per sample and smoothed by a 4 kHz one-pole VCA filter. Where it
 * departs: band-limited oscillators (polyBLEP/BLAMP), seeded noise, no portamento or
 * polyphony (one note per render). Output is the mean of amsynth's left and right outputs.
 */
import { clampRaw, controlValue, synthParams, SYNTH_PARAM_COUNT, type PresetValues } from "./params.js"
import { NoiseSource, OSC_SAW, OSC_SINE, SynthLfo, SynthOscillator } from "./oscillator.js"
import { FILTER_BYPASS, SynthFilter } from "./filter.js"
import { LinearAdsr } from "./envelope.js"
import { Freeverb } from "./freeverb.js"

/** What to play. */
export interface NoteOptions {
  /** Sample rate, Hz (default 44100). */
  readonly sampleRate?: number
  /** Length of the render, s (default 4). */
  readonly seconds?: number
  /** MIDI note (default 60, middle C). */
  readonly note?: number
  /** MIDI velocity 1–127 (default 100). */
  readonly velocity?: number
  /** When the note is released, s from the start (default 3; ≥ seconds = never). */
  readonly noteSeconds?: number
  /** Seed of the noise sources (default 1). */
  readonly seed?: number
}

/** Block size, frames: amsynth's VoiceBoard::kMaxProcessBufferSize. */
export const BLOCK = 64
const KEY_TRACK_BASE_HZ = 261.626
const VCA_LOWPASS_HZ = 4000
const LIMITER_THRESHOLD = 0.9

/** Frequency of a MIDI note, A4 = 440 Hz (amsynth's default tuning). */
export const noteFrequency = (note: number): number => 440 * Math.pow(2, (note - 69) / 12)

const blend = (x0: number, x1: number, m: number): number => x0 * (1 - m) + x1 * m

/** Control values of a preset, by name (clamped and snapped as amsynth does). */
const controls = (values: PresetValues): Record<string, number> => {
  if (values.length !== SYNTH_PARAM_COUNT) throw new Error(`a preset has ${SYNTH_PARAM_COUNT} values, got ${values.length}`)
  const out: Record<string, number> = {}
  for (const spec of synthParams) {
    const raw = values[spec.index]!
    if (!Number.isFinite(raw)) throw new Error(`parameter ${spec.name} is ${raw}, not a finite number`)
    out[spec.name] = controlValue(spec, clampRaw(spec, raw))
  }
  return out
}

/**
 * Render one note of a preset (raw values, see params.ts) into a new mono Float32Array of
 * ⌊seconds · rate⌋ samples. Deterministic for a given seed.
 */
export const renderNote = (values: PresetValues, options: NoteOptions = {}): Float32Array => {
  const fs = options.sampleRate ?? 44100
  const total = Math.max(0, Math.round((options.seconds ?? 4) * fs))
  const noteOff = Math.round((options.noteSeconds ?? 3) * fs)
  const velocity = Math.min(127, Math.max(1, options.velocity ?? 100)) / 127
  const freq = noteFrequency(options.note ?? 60)
  const c = controls(values)
  const noise = new NoiseSource(options.seed ?? 1)

  const osc1 = new SynthOscillator(fs, noise)
  const osc2 = new SynthOscillator(fs, noise)
  const lfo = new SynthLfo(fs, noise)
  const filter = new SynthFilter(fs)
  const ampEnv = new LinearAdsr(fs, c["amp_attack"]!, c["amp_decay"]!, c["amp_sustain"]!, c["amp_release"]!)
  const filterEnv = new LinearAdsr(fs, c["filter_attack"]!, c["filter_decay"]!, c["filter_sustain"]!, c["filter_release"]!)
  const reverbWet = c["reverb_wet"]!
  const reverb = new Freeverb(fs, c["reverb_roomsize"]!, c["reverb_damp"]!, reverbWet, c["reverb_width"]!)

  const wave1 = Math.round(c["osc1_waveform"]!)
  const wave2 = Math.round(c["osc2_waveform"]!)
  const pw1 = c["osc1_pulsewidth"]!
  const pw2 = c["osc2_pulsewidth"]!
  const lfoWave = Math.round(c["lfo_waveform"]!)
  const lfoFreq = c["lfo_freq"]!
  const freqMod = c["freq_mod_amount"]! / 2 + 0.5
  const freqModDest = Math.round(c["freq_mod_osc"]!)
  const osc2Ratio = c["osc2_detune"]! * c["osc2_range"]! * Math.pow(2, c["osc2_pitch"]! / 12)
  // amsynth only syncs when oscillator 1 is a sine or a saw (an old bug it keeps for old presets).
  const sync = Math.round(c["osc2_sync"]!) !== 0 && (wave1 === OSC_SINE || wave1 === OSC_SAW)
  const ring = c["osc_mix_mode"]!
  const mix = c["osc_mix"]!
  const osc1Vol = ((1 - ring) * (1 - mix)) / 2
  const osc2Vol = ((1 - ring) * (1 + mix)) / 2
  const filterType = Math.round(c["filter_type"]!)
  const slope24 = Math.round(c["filter_slope"]!) === 1
  const resonance = c["filter_resonance"]!
  const envAmount = c["filter_env_amount"]!
  const filterModAmt = (c["filter_mod_amount"]! + 1) / 2
  const cutoffStatic = c["filter_cutoff"]! * blend(KEY_TRACK_BASE_HZ, freq, c["filter_kbd_track"]!) * blend(1, velocity, c["filter_vel_sens"]!)
  const ampModAmt = (c["amp_mod_amount"]! + 1) / 2
  const ampVel = blend(1, velocity, c["amp_vel_sens"]!)
  const masterVol = c["master_vol"]!
  const crunchExponent = Math.max(0.01, 1 - c["distortion_crunch"]!)

  const vcaX = Math.exp(-(Math.PI / 2) * Math.min(VCA_LOWPASS_HZ / fs, 0.5))
  const vcaA0 = 1 - vcaX
  let vcaZ = 0
  let volZ = 0 // a fresh voice's volume smoother starts at 0 (amsynth's ParamSmoother, 0.005/frame)
  const limAttack = 1 - Math.exp(-2.2 / (0.001 * fs))
  const limRelease = 1 - Math.exp(-2.2 / (0.5 * fs))
  let limPeak = 0

  const o1 = new Float32Array(BLOCK)
  const o2 = new Float32Array(BLOCK)
  const lfoBuf = new Float32Array(BLOCK)
  const fEnv = new Float32Array(BLOCK)
  const aEnv = new Float32Array(BLOCK)
  const voice = new Float32Array(BLOCK)
  const left = new Float32Array(BLOCK)
  const right = new Float32Array(BLOCK)
  const out = new Float32Array(total)

  ampEnv.noteOn()
  filterEnv.noteOn()
  let released = false
  let silent = false
  for (let start = 0; start < total; ) {
    if (!released && start >= noteOff) {
      ampEnv.noteOff()
      filterEnv.noteOff()
      released = true
    }
    let n = Math.min(BLOCK, total - start)
    if (!released && noteOff > start) n = Math.min(n, noteOff - start)

    if (silent) {
      voice.fill(0, 0, n)
    } else {
      lfo.process(lfoBuf, 0, n, lfoWave, lfoFreq)
      const lfo0 = lfoBuf[0]!
      const fm = freqMod * (lfo0 + 1) + 1 - freqMod
      const f1 = freqModDest === 0 || freqModDest === 1 ? freq * fm : freq
      const f2 = freqModDest === 0 || freqModDest === 2 ? freq * osc2Ratio * fm : freq * osc2Ratio

      filterEnv.process(fEnv, 0, n)
      const envF = fEnv[n - 1]!
      let cutoff = cutoffStatic * ((lfo0 * 0.5 + 0.5) * filterModAmt + 1 - filterModAmt)
      cutoff += envAmount > 0 ? freq * envF * envAmount : (cutoff * envAmount * envF) / 16

      osc1.process(o1, 0, n, wave1, f1, pw1)
      osc2.process(o2, 0, n, wave2, f2, pw2, sync ? f1 : 0)
      for (let i = 0; i < n; i++) {
        const a = o1[i]!
        const b = o2[i]!
        o1[i] = osc1Vol * a + osc2Vol * b + ring * a * b
      }
      if (filterType !== FILTER_BYPASS) filter.process(o1, 0, n, filterType, cutoff, resonance, slope24)

      ampEnv.process(aEnv, 0, n)
      for (let i = 0; i < n; i++) {
        const amplitude = aEnv[i]! * ampVel * ((lfoBuf[i]! * 0.5 + 0.5) * ampModAmt + 1 - ampModAmt)
        volZ += (masterVol - volZ) * 0.005
        const x = amplitude * volZ
        const y = x * vcaA0 + vcaZ
        vcaZ = y * vcaX
        voice[i] = o1[i]! * y
      }
      if (released && ampEnv.isOff && Math.abs(vcaZ) < 1e-7) silent = true
    }

    if (crunchExponent !== 1) {
      for (let i = 0; i < n; i++) {
        const x = voice[i]!
        voice[i] = x < 0 ? -Math.pow(-x, crunchExponent) : Math.pow(x, crunchExponent)
      }
    }
    if (reverbWet > 0) reverb.process(voice, left, right, n)
    else reverb.processDry(voice, left, right, n)

    for (let i = 0; i < n; i++) {
      const l = left[i]!
      const r = right[i]!
      const x = Math.abs(l) + Math.abs(r)
      limPeak = x > limPeak ? (1 - limRelease) * limPeak + limAttack * (x - limPeak) : (1 - limRelease) * limPeak
      const g = limPeak > LIMITER_THRESHOLD ? LIMITER_THRESHOLD / limPeak : 1
      out[start + i] = 0.5 * (l + r) * g
    }
    start += n
  }
  return out
}

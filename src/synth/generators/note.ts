import { object, number, integer, oneOf } from "../../params/schema.js"
import { waveforms, type Waveform } from "../../audio/generators/polyblep.js"
import { svfModes, type SvfMode } from "../../audio/generators/svf.js"
import { synthNoteInto } from "../../audio/generators/synth-note.js"
import { amplitudeParam, pitchParams, weightParam } from "./common-params.js"
import { renderNoteEvents } from "./events.js"
import type { SyntheticGenerator } from "./generator.js"

export const noteGenerator: SyntheticGenerator = {
  uses: "note",
  description: "Subtractive-synth notes: PolyBLEP oscillator(s) → resonant TPT state-variable filter → ADSR",
  params: object({
    weight: weightParam,
    ...pitchParams,
    waveform: oneOf(waveforms, { description: "Band-limited oscillator waveform", default: "saw", distribution: true }),
    voices: integer({ description: "Unison oscillators per note", minimum: 1, maximum: 8, default: 1 }),
    detune: number({ description: "Spread of the unison voices, lowest to highest", minimum: 0, maximum: 100, default: 0, unit: "cents" }),
    filter: oneOf([...svfModes, "none"], { description: "Filter response", default: "lowpass", distribution: true }),
    cutoff: number({ description: "Filter cutoff", minimum: 20, maximum: 20000, default: 2000, unit: "Hz" }),
    resonance: number({ description: "Filter Q (0.707 = flat, higher = resonant peak)", minimum: 0.5, maximum: 20, default: 0.707, unit: "Q" }),
    filter_env: number({ description: "Envelope → cutoff amount at the envelope's peak", minimum: -8, maximum: 8, default: 0, unit: "octaves" }),
    attack: number({ description: "ADSR attack (linear 0 → 1)", minimum: 0, maximum: 10, default: 0.01, unit: "s" }),
    decay: number({ description: "ADSR decay (linear 1 → sustain)", minimum: 0, maximum: 10, default: 0.2, unit: "s" }),
    sustain: number({ description: "ADSR sustain level", minimum: 0, maximum: 1, default: 0.7 }),
    release: number({ description: "ADSR release (linear → 0 after the gate)", minimum: 0, maximum: 10, default: 0.2, unit: "s" }),
    duration: number({ description: "Gate length of each note (release starts here)", minimum: 0, maximum: 60, default: 0.5, unit: "s" }),
    amplitude: amplitudeParam("Peak of each note", 0.5)
  }),
  render: (p, out, ctx) =>
    renderNoteEvents(p, ctx, (freq, onset, rng) =>
      synthNoteInto(
        out,
        onset,
        ctx.sampleRate,
        {
          freq,
          waveform: p["waveform"] as Waveform,
          voices: p["voices"] as number,
          detune: p["detune"] as number,
          filter: p["filter"] as SvfMode | "none",
          cutoff: p["cutoff"] as number,
          resonance: p["resonance"] as number,
          filterEnv: p["filter_env"] as number,
          attack: p["attack"] as number,
          decay: p["decay"] as number,
          sustain: p["sustain"] as number,
          release: p["release"] as number,
          duration: p["duration"] as number,
          amplitude: p["amplitude"] as number
        },
        rng
      )
    )
}

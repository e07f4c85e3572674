/**
 * amsynth's parameter set: the 41 parameters of amsynth 1.13 in its own index order (the
 * DSSI control ports, the VST parameter indices and the `<parameter>` lines of a bank all
 * use these names). Factory banks written before amsynth 1.8 list only the first 36; the
 * other five then take their defaults.
 *
 * A preset stores each parameter's *raw* value in [min, max]. amsynth turns it into the
 * value its DSP uses with a law (linear, exponential `base^raw`, or power `raw^base`, plus
 * an offset); `controlValue` does the same. `normalise` maps raw to [0, 1] linearly, as
 * amsynth's VST and LV2 hosts do.
 */

/** How a raw preset value becomes the value the DSP uses. */
export type ParamLaw = "linear" | "exponential" | "power"

/** Component group, used by per-group metrics and loss weights. */
export type ParamGroup = "oscillators" | "filter" | "envelopes" | "modulation" | "effects" | "global"

/** One amsynth parameter. */
export interface SynthParamSpec {
  /** amsynth's name (bank files, DSSI port names). */
  readonly name: string
  /** amsynth's index (DSSI port = index + 2, VST parameter = index). */
  readonly index: number
  readonly min: number
  readonly max: number
  readonly default: number
  /** 0 = continuous; 1 = integer steps (enums, switches, octaves, semitones). */
  readonly step: number
  readonly law: ParamLaw
  readonly base: number
  readonly offset: number
  /** Unit of `unitValue` (the label `synth.<name>.<unit>`), or "" when the raw value is the unit. */
  readonly unit: string
  readonly group: ParamGroup
  /** Value names of an enum parameter, by raw value. */
  readonly values?: ReadonlyArray<string>
  /** Whether the parameter is in every factory bank (the first 36). */
  readonly inFactoryBanks: boolean
  readonly description: string
}

const waveforms = ["sine", "pulse", "saw", "noise", "random"] as const

type Row = readonly [
  name: string,
  def: number,
  min: number,
  max: number,
  step: number,
  law: ParamLaw,
  base: number,
  offset: number,
  unit: string,
  group: ParamGroup,
  description: string,
  values?: ReadonlyArray<string>
]

// Values from amsynth's src/core/synth/Parameter.cpp (ParameterSpecs), in index order.
const rows: ReadonlyArray<Row> = [
  ["amp_attack", 0, 0, 2.5, 0, "power", 3, 0.0005, "s", "envelopes", "Amp envelope attack time (raw^3 + 0.5 ms)"],
  ["amp_decay", 0, 0, 2.5, 0, "power", 3, 0.0005, "s", "envelopes", "Amp envelope decay time (raw^3 + 0.5 ms)"],
  ["amp_sustain", 1, 0, 1, 0, "linear", 1, 0, "", "envelopes", "Amp envelope sustain level"],
  ["amp_release", 0, 0, 2.5, 0, "power", 3, 0.0005, "s", "envelopes", "Amp envelope release time (raw^3 + 0.5 ms)"],
  ["osc1_waveform", 2, 0, 4, 1, "linear", 1, 0, "", "oscillators", "Oscillator 1 waveform", waveforms],
  ["filter_attack", 0, 0, 2.5, 0, "power", 3, 0.0005, "s", "envelopes", "Filter envelope attack time"],
  ["filter_decay", 0, 0, 2.5, 0, "power", 3, 0.0005, "s", "envelopes", "Filter envelope decay time"],
  ["filter_sustain", 1, 0, 1, 0, "linear", 1, 0, "", "envelopes", "Filter envelope sustain level"],
  ["filter_release", 0, 0, 2.5, 0, "power", 3, 0.0005, "s", "envelopes", "Filter envelope release time"],
  ["filter_resonance", 0, 0, 0.97, 0, "linear", 1, 0, "", "filter", "Filter resonance (1/Q = 2(1 - r))"],
  ["filter_env_amount", 0, -16, 16, 0, "linear", 1, 0, "", "filter", "Filter envelope amount: > 0 adds env × amount × note frequency to the cutoff, < 0 scales it down"],
  ["filter_cutoff", 1.5, -0.5, 1.5, 0, "exponential", 16, 0, "x", "filter", "Filter cutoff as a multiple 16^raw of the key-tracked base frequency"],
  ["osc2_detune", 0, -1, 1, 0, "exponential", 1.25, 0, "cents", "oscillators", "Oscillator 2 detune, frequency ratio 1.25^raw"],
  ["osc2_waveform", 2, 0, 4, 1, "linear", 1, 0, "", "oscillators", "Oscillator 2 waveform", waveforms],
  ["master_vol", 0.67, 0, 1, 0, "power", 2, 0, "gain", "global", "Master volume, gain raw^2"],
  ["lfo_freq", 0, 0, 7.5, 0, "power", 2, 0, "Hz", "modulation", "LFO frequency raw^2"],
  ["lfo_waveform", 0, 0, 6, 1, "linear", 1, 0, "", "modulation", "LFO waveform", ["sine", "square", "triangle", "noise", "random", "saw_up", "saw_down"]],
  ["osc2_range", 0, -3, 4, 1, "exponential", 2, 0, "octaves", "oscillators", "Oscillator 2 octave, frequency ratio 2^raw"],
  ["osc_mix", 0, -1, 1, 0, "linear", 1, 0, "", "oscillators", "Oscillator mix, -1 = osc 1 only, +1 = osc 2 only"],
  ["freq_mod_amount", 0, 0, 1.25992105, 0, "power", 3, -1, "", "modulation", "LFO to oscillator pitch, raw^3 - 1 in [-1, 1]"],
  ["filter_mod_amount", -1, -1, 1, 0, "linear", 1, 0, "", "modulation", "LFO to filter cutoff, -1 = none, +1 = full"],
  ["amp_mod_amount", -1, -1, 1, 0, "linear", 1, 0, "", "modulation", "LFO to amplitude (tremolo), -1 = none, +1 = full"],
  ["osc_mix_mode", 0, 0, 1, 0, "linear", 1, 0, "", "oscillators", "Ring modulation amount (0 = plain mix, 1 = ring modulator only)"],
  ["osc1_pulsewidth", 1, 0, 1, 0, "linear", 1, 0, "", "oscillators", "Oscillator 1 shape: pulse width, or saw (1) to triangle (0)"],
  ["osc2_pulsewidth", 1, 0, 1, 0, "linear", 1, 0, "", "oscillators", "Oscillator 2 shape: pulse width, or saw (1) to triangle (0)"],
  ["reverb_roomsize", 0, 0, 1, 0, "linear", 1, 0, "", "effects", "Reverb room size (Freeverb)"],
  ["reverb_damp", 0, 0, 1, 0, "linear", 1, 0, "", "effects", "Reverb damping"],
  ["reverb_wet", 0, 0, 1, 0, "linear", 1, 0, "", "effects", "Reverb wet level"],
  ["reverb_width", 1, 0, 1, 0, "linear", 1, 0, "", "effects", "Reverb stereo width"],
  ["distortion_crunch", 0, 0, 0.9, 0, "linear", 1, 0, "", "effects", "Distortion: y = sign(x)|x|^(1 - crunch)"],
  ["osc2_sync", 0, 0, 1, 1, "linear", 1, 0, "", "oscillators", "Hard-sync oscillator 2 to oscillator 1 (only when osc 1 is sine or saw, as in amsynth)", ["off", "on"]],
  ["portamento_time", 0, 0, 1, 0, "linear", 1, 0, "s", "global", "Portamento time"],
  ["keyboard_mode", 0, 0, 2, 1, "linear", 1, 0, "", "global", "Keyboard mode", ["poly", "mono", "legato"]],
  ["osc2_pitch", 0, -12, 12, 1, "linear", 1, 0, "semitones", "oscillators", "Oscillator 2 pitch offset"],
  ["filter_type", 0, 0, 4, 1, "linear", 1, 0, "", "filter", "Filter type", ["lowpass", "highpass", "bandpass", "notch", "bypass"]],
  ["filter_slope", 1, 0, 1, 1, "linear", 1, 0, "", "filter", "Filter slope", ["12dB", "24dB"]],
  ["freq_mod_osc", 0, 0, 2, 1, "linear", 1, 0, "", "modulation", "Which oscillators the LFO pitch modulation reaches", ["both", "osc1", "osc2"]],
  ["filter_kbd_track", 1, 0, 1, 0, "linear", 1, 0, "", "filter", "Filter keyboard tracking: cutoff base blends from middle C (0) to the note frequency (1)"],
  ["filter_vel_sens", 1, 0, 1, 0, "linear", 1, 0, "", "filter", "Filter velocity sensitivity"],
  ["amp_vel_sens", 1, 0, 1, 0, "linear", 1, 0, "", "envelopes", "Amp velocity sensitivity"],
  ["portamento_mode", 0, 0, 1, 1, "linear", 1, 0, "", "global", "Portamento mode", ["always", "legato"]]
]

/** The full parameter table, in amsynth's index order. */
export const synthParams: ReadonlyArray<SynthParamSpec> = rows.map(
  ([name, def, min, max, step, law, base, offset, unit, group, description, values], index) => ({
    name,
    index,
    min,
    max,
    default: def,
    step,
    law,
    base,
    offset,
    unit,
    group,
    description,
    inFactoryBanks: index < 36,
    ...(values !== undefined ? { values } : {})
  })
)

/** Number of parameters (41). */
export const SYNTH_PARAM_COUNT = synthParams.length

const byName = new Map(synthParams.map((p) => [p.name, p]))

/** The spec of a parameter by amsynth name, or undefined. */
export const synthParamByName = (name: string): SynthParamSpec | undefined => byName.get(name)

/** A full preset: raw values, one per parameter, in index order. */
export type PresetValues = Float64Array

/** A named preset and the bank (file) it came from, if any. */
export interface SynthPreset {
  readonly name: string
  readonly values: PresetValues
  /** Bank name (file name without `.amSynth.bank`/`.bank`/`.fxb`), kept for split-by-bank evaluation. */
  readonly bank?: string
}

/** amsynth's default preset (every parameter at its default). */
export const defaultPresetValues = (): PresetValues => Float64Array.from(synthParams, (p) => p.default)

/** Clamp to [min, max] and snap stepped parameters to their grid, as amsynth's Parameter::setValue does. */
export const clampRaw = (spec: SynthParamSpec, raw: number): number => {
  let v = Math.min(spec.max, Math.max(spec.min, raw))
  if (spec.step > 0) v = spec.min + Math.round((v - spec.min) / spec.step) * spec.step
  return v
}

/** The value amsynth's DSP uses: offset + base·raw, offset + base^raw, or offset + raw^base. */
export const controlValue = (spec: SynthParamSpec, raw: number): number => {
  switch (spec.law) {
    case "linear":
      return spec.offset + spec.base * raw
    case "exponential":
      return spec.offset + Math.pow(spec.base, raw)
    case "power":
      return spec.offset + Math.pow(raw, spec.base)
  }
}

/** Raw → [0, 1], linear in the raw range. */
export const normalise = (spec: SynthParamSpec, raw: number): number => (raw - spec.min) / (spec.max - spec.min)

/** [0, 1] → raw (clamped and snapped). */
export const denormalise = (spec: SynthParamSpec, unit: number): number => clampRaw(spec, spec.min + unit * (spec.max - spec.min))

/**
 * The value in the parameter's physical unit (`spec.unit`): seconds for envelope times,
 * Hz for the LFO, cents for the detune, octaves, semitones, a gain, or the cutoff multiple.
 * Unitless parameters return their raw value.
 */
export const unitValue = (spec: SynthParamSpec, raw: number): number => {
  switch (spec.unit) {
    case "cents":
      return 1200 * Math.log2(controlValue(spec, raw))
    case "octaves":
    case "semitones":
    case "":
      return raw
    default:
      return controlValue(spec, raw)
  }
}

/** Whether a parameter is categorical (has named values). */
export const isCategorical = (spec: SynthParamSpec): boolean => spec.values !== undefined

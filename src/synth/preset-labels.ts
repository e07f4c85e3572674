/**
 * A preset as clip labels, and back. For every amsynth parameter `p`:
 * - `synth.p`: the raw preset value (what banks and plugin ports hold), in [min, max];
 * - `synth.p.norm`: the same normalised to [0, 1];
 * - `synth.p.<unit>`: the value in its physical unit where it has one (`synth.amp_attack.s`,
 *   `synth.lfo_freq.Hz`, `synth.osc2_detune.cents`, `synth.master_vol.gain`, …);
 * - `synth.p.name`: the value's name for enums (`synth.osc1_waveform.name = "saw"`).
 * Plus `synth.preset`, `synth.bank`, `synth.preset_id` (bank/index) and `synth.preset_key`
 * (a digest of the clamped parameter values: presets that are the same sound under two
 * names or in two banks share it — the identity a tone matcher retrieves), which
 * evaluation uses to split and match by bank and preset.
 */
import type { SynthParamSpec, SynthPreset } from "./params.js"
import { clampRaw, defaultPresetValues, normalise, synthParamByName, synthParams, unitValue } from "./params.js"

/** Label prefix of every synth parameter label. */
export const SYNTH_LABEL_PREFIX = "synth."

/**
 * A 16-hex-digit digest (FNV-1a, 64 bit) of the clamped raw values of every parameter:
 * equal for presets that sound the same whatever their name or bank.
 */
export const presetKey = (values: ArrayLike<number>): string => {
  let h = 0xcbf29ce484222325n
  const prime = 0x100000001b3n
  const mask = (1n << 64n) - 1n
  const bytes = new Uint8Array(new Float64Array(synthParams.map((spec) => clampRaw(spec, values[spec.index] ?? spec.default))).buffer)
  for (const b of bytes) h = ((h ^ BigInt(b)) * prime) & mask
  return h.toString(16).padStart(16, "0")
}

/** Labels of one preset (see the module comment). */
export const presetLabels = (preset: SynthPreset, presetId: string): Record<string, number | string> => {
  const labels: Record<string, number | string> = {
    "synth.preset": preset.name,
    "synth.bank": preset.bank ?? "",
    "synth.preset_id": presetId,
    "synth.preset_key": presetKey(preset.values)
  }
  for (const spec of synthParams) {
    const raw = clampRaw(spec, preset.values[spec.index]!)
    labels[`synth.${spec.name}`] = raw
    labels[`synth.${spec.name}.norm`] = normalise(spec, raw)
    if (spec.unit !== "") labels[`synth.${spec.name}.${spec.unit}`] = unitValue(spec, raw)
    if (spec.values !== undefined) labels[`synth.${spec.name}.name`] = spec.values[Math.round(raw - spec.min)] ?? String(raw)
  }
  return labels
}

/** Raw preset values back from `synth.<name>` labels (missing ones take their default). */
export const presetValuesFromLabels = (labels: Readonly<Record<string, unknown>>): Float64Array => {
  const values = defaultPresetValues()
  for (const spec of synthParams) {
    const v = labels[`synth.${spec.name}`]
    if (typeof v === "number") values[spec.index] = v
  }
  return values
}

/**
 * The valid range of a synth label: [min, max] for `synth.<name>`, [0, 1] for
 * `synth.<name>.norm`; undefined for other labels (unit values, names, anything else).
 */
export const synthLabelRange = (label: string): { readonly minimum: number; readonly maximum: number } | undefined => {
  if (!label.startsWith(SYNTH_LABEL_PREFIX)) return undefined
  const rest = label.slice(SYNTH_LABEL_PREFIX.length)
  const dot = rest.indexOf(".")
  const spec = synthParamByName(dot < 0 ? rest : rest.slice(0, dot))
  if (spec === undefined) return undefined
  if (dot < 0) return { minimum: spec.min, maximum: spec.max }
  return rest.slice(dot + 1) === "norm" ? { minimum: 0, maximum: 1 } : undefined
}

/** The parameter spec behind `synth.<name>` or `synth.<name>.norm`; undefined for any other label. */
export const synthParamOfLabel = (label: string): SynthParamSpec | undefined => specOfValueLabel(label)

const specOfValueLabel = (label: string): SynthParamSpec | undefined => {
  if (!label.startsWith(SYNTH_LABEL_PREFIX)) return undefined
  const rest = label.slice(SYNTH_LABEL_PREFIX.length)
  const dot = rest.indexOf(".")
  if (dot >= 0 && rest.slice(dot + 1) !== "norm") return undefined
  return synthParamByName(dot < 0 ? rest : rest.slice(0, dot))
}

/**
 * Number of classes of an enum synth label (`synth.osc1_waveform` → 5, `synth.filter_slope`
 * → 2): the parameters with named values, which a parameter model classifies rather than
 * regresses. Undefined for continuous and ordinal parameters (octave, semitones) and other labels.
 */
export const synthLabelClasses = (label: string): number | undefined => specOfValueLabel(label)?.values?.length

/** Component group of a synth label (`synth.filter_cutoff` → "filter"); undefined for other labels. */
export const synthLabelGroup = (label: string): string | undefined => specOfValueLabel(label)?.group

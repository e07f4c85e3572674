/**
 * A preset as clip labels, and back. For every amsynth parameter `p`:
 * - `synth.p`: the raw preset value (what banks and plugin ports hold), in [min, max];
 * - `synth.p.norm`: the same normalised to [0, 1];
 * - `synth.p.<unit>`: the value in its physical unit where it has one (`synth.amp_attack.s`,
 *   `synth.lfo_freq.Hz`, `synth.osc2_detune.cents`, `synth.master_vol.gain`, …);
 * - `synth.p.name`: the value's name for enums (`synth.osc1_waveform.name = "saw"`).
 * Plus `synth.preset`, `synth.bank` and `synth.preset_id` (bank/index, the identity a
 * tone matcher retrieves), which evaluation uses to split and match by bank and preset.
 */
import type { SynthPreset } from "./params.js"
import { clampRaw, defaultPresetValues, normalise, synthParamByName, synthParams, unitValue } from "./params.js"

/** Label prefix of every synth parameter label. */
export const SYNTH_LABEL_PREFIX = "synth."

/** Labels of one preset (see the module comment). */
export const presetLabels = (preset: SynthPreset, presetId: string): Record<string, number | string> => {
  const labels: Record<string, number | string> = {
    "synth.preset": preset.name,
    "synth.bank": preset.bank ?? "",
    "synth.preset_id": presetId
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

import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { defaultPresetValues, synthParamByName, synthParams, type SynthPreset } from "../../src/synth/params.js"
import { presetsAround } from "../../src/synth/preset-source.js"
import { presetKey, presetLabels, synthLabelClasses, synthLabelGroup } from "../../src/synth/preset-labels.js"

const preset = (changes: Record<string, number>): SynthPreset => {
  const values = defaultPresetValues()
  for (const [k, v] of Object.entries(changes)) values[synthParamByName(k)!.index] = v
  return { name: "p", values, bank: "b" }
}

describe("presets drawn around given ones", () => {
  const bases = [preset({ filter_cutoff: 0.2, osc1_waveform: 1, amp_attack: 0.5 }), preset({ filter_cutoff: 1.0, osc1_waveform: 3, amp_attack: 1.5 })]
  it("spread 0 and switch 0 give copies of the bases", () => {
    const out = presetsAround(bases, { count: 20, spread: 0, switch: 0 }, new Rng(1))
    for (const p of out) expect(bases.some((b) => b.values.every((v, i) => v === p.values[i]))).toBe(true)
    expect(out[0]!.bank).toBe("around")
  })
  it("stays in range, keeps parameters the bases share, is seeded, and moves continuous values by about `spread`", () => {
    const a = presetsAround(bases, { count: 400, spread: 0.05, switch: 0.1 }, new Rng(7))
    const b = presetsAround(bases, { count: 400, spread: 0.05, switch: 0.1 }, new Rng(7))
    expect(a.map((p) => [...p.values])).toEqual(b.map((p) => [...p.values]))
    const shared = synthParams.filter((s) => bases[0]!.values[s.index] === bases[1]!.values[s.index])
    for (const p of a) {
      for (const s of synthParams) expect(p.values[s.index]!).toBeGreaterThanOrEqual(s.min), expect(p.values[s.index]!).toBeLessThanOrEqual(s.max)
      for (const s of shared) expect(p.values[s.index]).toBe(bases[0]!.values[s.index])
    }
    // cutoff steps, normalised: std ≈ 0.05 (clamping aside; both bases are far from the ends)
    const cut = synthParamByName("filter_cutoff")!
    const steps = a.map((p) => {
      const v = p.values[cut.index]!
      const base = Math.abs(v - 0.2) < Math.abs(v - 1.0) ? 0.2 : 1.0
      return (v - base) / (cut.max - cut.min)
    })
    const std = Math.sqrt(steps.reduce((s, x) => s + x * x, 0) / steps.length)
    expect(std).toBeGreaterThan(0.04)
    expect(std).toBeLessThan(0.06)
    // the waveform is redrawn about 10 % of the time (a redraw keeps the value 1 time in 5)
    const wave = synthParamByName("osc1_waveform")!
    const changed = a.filter((p) => p.values[wave.index] !== 1 && p.values[wave.index] !== 3).length / a.length
    expect(changed).toBeGreaterThan(0.02)
    expect(changed).toBeLessThan(0.15)
  })
  it("needs bases", () => {
    expect(() => presetsAround([], { count: 1, spread: 0.1, switch: 0 }, new Rng(1))).toThrow(/no training presets/)
  })
})

describe("preset key, classes and groups of synth labels", () => {
  it("the same sound gives the same key whatever the name or bank; any parameter change gives another", () => {
    const a = preset({ filter_cutoff: 0.2 })
    expect(presetKey(a.values)).toBe(presetKey({ ...a, name: "other" }.values))
    expect(presetKey(a.values)).toMatch(/^[0-9a-f]{16}$/)
    // values outside the range are clamped as amsynth does: same sound
    expect(presetKey(preset({ filter_cutoff: 9 }).values)).toBe(presetKey(preset({ filter_cutoff: 1.5 }).values))
    expect(presetKey(preset({ filter_cutoff: 0.2000001 }).values)).not.toBe(presetKey(a.values))
    expect(presetLabels(a, "b/000")["synth.preset_key"]).toBe(presetKey(a.values))
  })
  it("enums have classes; continuous and ordinal parameters and other labels have none", () => {
    expect(synthLabelClasses("synth.osc1_waveform")).toBe(5)
    expect(synthLabelClasses("synth.filter_type.norm")).toBe(5)
    expect(synthLabelClasses("synth.filter_slope")).toBe(2)
    expect(synthLabelClasses("synth.osc2_pitch")).toBeUndefined()
    expect(synthLabelClasses("synth.filter_cutoff")).toBeUndefined()
    expect(synthLabelClasses("synth.osc1_waveform.name")).toBeUndefined()
    expect(synthLabelClasses("drive_db")).toBeUndefined()
    expect(synthLabelGroup("synth.reverb_wet")).toBe("effects")
  })
})

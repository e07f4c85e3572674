import { describe, expect, it } from "vitest"
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runStage, testContext } from "../helpers/stage-context.js"
import { stageParams } from "./stage-params.js"
import { sourceSynth } from "../../src/stages/source-synth.js"
import { datasetValidate } from "../../src/stages/dataset-validate.js"
import { decodeAudioSet, encodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { synthParams } from "../../src/synth/params.js"
import { findAmsynthPlugin } from "../../src/synth/amsynth-install.js"
import { amsynthParamsProgram, encodeFxp } from "../../src/synth/presets/vst-preset.js"
import { defaultPresetValues } from "../../src/synth/params.js"
import { presetValuesFromLabels } from "../../src/synth/preset-labels.js"

const dir = mkdtempSync(join(tmpdir(), "audioml-source-synth-"))
mkdirSync(join(dir, "banks"))
// Two small banks written line by line (not copies of amsynth's).
writeFileSync(join(dir, "banks", "Alpha.amSynth.bank"), "amSynth\n<preset> <name> Soft Saw\n<parameter> osc1_waveform 2\n<parameter> filter_cutoff 0.5\n<preset> <name> Square\n<parameter> osc1_waveform 1\nEOF\n")
writeFileSync(join(dir, "banks", "Beta.amSynth.bank"), "amSynth\n<preset> <name> Sine\n<parameter> osc1_waveform 0\n<parameter> osc2_waveform 0\nEOF\n")
const fxpValues = defaultPresetValues()
fxpValues[13] = 0 // osc2_waveform sine
writeFileSync(join(dir, "lead.fxp"), encodeFxp(amsynthParamsProgram({ name: "Lead", values: fxpValues })))

const render = async (params: Record<string, unknown>, seed = 1) => {
  const ctx = testContext("synth", seed, dir)
  const artifact = await runStage(sourceSynth, stageParams(sourceSynth, { seconds: 0.25, note_seconds: 0.2, ...params }), {}, ctx)
  return { artifact, set: decodeAudioSet(artifact), report: ctx.reports[0] as Record<string, unknown> }
}

describe("source.synth", () => {
  it("renders sampled presets × notes × velocities with every parameter as raw, normalised and unit labels", async () => {
    const { set, report } = await render({ presets: { sample: "uniform", count: 3, fixed: { master_vol: 0.5 } }, notes: [48, 60], velocities: [64, 127] })
    expect(set.clips.length).toBe(12)
    expect(set.clips[0]!.id).toBe("uniform/000-n48-v64")
    expect(report).toMatchObject({ presets: 3, renders: 12, engine: "audioml" })
    for (const clip of set.clips) {
      expect(clip.audio.channels[0]!.length).toBe(11025)
      expect(clip.labels["synth.master_vol"]).toBe(0.5)
      for (const p of synthParams) {
        const raw = clip.labels[`synth.${p.name}`] as number
        const norm = clip.labels[`synth.${p.name}.norm`] as number
        expect(raw >= p.min && raw <= p.max, p.name).toBe(true)
        expect(norm).toBeCloseTo((raw - p.min) / (p.max - p.min), 9)
      }
      expect(typeof clip.labels["synth.amp_attack.s"]).toBe("number")
      expect(["sine", "pulse", "saw", "noise", "random"]).toContain(clip.labels["synth.osc1_waveform.name"])
    }
    // the same preset at every note and velocity
    expect(new Set(set.clips.slice(0, 4).map((c) => c.labels["synth.filter_cutoff"])).size).toBe(1)
    expect(new Set(set.clips.map((c) => c.labels["synth.preset_id"])).size).toBe(3)
  })

  it("is deterministic for a seed, and Sobol sampling differs from uniform", async () => {
    const a = await render({ presets: { sample: "sobol", count: 4 } }, 5)
    const b = await render({ presets: { sample: "sobol", count: 4 } }, 5)
    expect([...a.artifact.files.keys()]).toEqual([...b.artifact.files.keys()])
    for (const [k, v] of a.artifact.files) expect(Buffer.from(v).equals(Buffer.from(b.artifact.files.get(k)!)), k).toBe(true)
    const u = await render({ presets: { sample: "uniform", count: 4 } }, 5)
    expect(u.set.clips.map((c) => c.labels["synth.osc_mix"])).not.toEqual(a.set.clips.map((c) => c.labels["synth.osc_mix"]))
  })

  it("reads banks by glob and .fxp files, keeps bank names, and splits by bank", async () => {
    const { set } = await render({ banks: ["banks/*.amSynth.bank", "lead.fxp"], splits: { test: ["Beta"], val: ["lead"] } })
    expect(set.clips.map((c) => [c.id, c.labels["synth.preset"], c.labels["synth.bank"], c.split])).toEqual([
      ["Alpha/000-n60-v100", "Soft Saw", "Alpha", "train"],
      ["Alpha/001-n60-v100", "Square", "Alpha", "train"],
      ["Beta/000-n60-v100", "Sine", "Beta", "test"],
      ["lead/000-n60-v100", "Lead", "lead", "val"]
    ])
    expect(set.clips[0]!.labels["synth.filter_cutoff"]).toBe(0.5)
    expect(presetValuesFromLabels(set.clips[0]!.labels)[11]).toBe(0.5)
    const limited = await render({ banks: ["banks"], limit: 2, splits: { test: ["Beta"] } })
    expect(limited.set.clips.length).toBe(2)
  })

  it("draws presets around the training banks' presets only (never the held-out ones), marked train", async () => {
    const { set } = await render({ banks: ["banks/*.amSynth.bank"], splits: { test: ["Beta"] }, around: { count: 6, spread: 0, switch: 0 } })
    const around = set.clips.filter((c) => c.labels["synth.bank"] === "around")
    expect(around.map((c) => c.id)).toEqual(["around/0-n60-v100", "around/1-n60-v100", "around/2-n60-v100", "around/3-n60-v100", "around/4-n60-v100", "around/5-n60-v100"])
    expect(around.every((c) => c.split === "train")).toBe(true)
    // spread 0, switch 0: copies of Alpha's presets (the same sound, so the same key), never of Beta's
    const alphaKeys = new Set(set.clips.filter((c) => c.labels["synth.bank"] === "Alpha").map((c) => c.labels["synth.preset_key"]))
    expect(around.every((c) => alphaKeys.has(c.labels["synth.preset_key"]))).toBe(true)
    await expect(render({ presets: { sample: "uniform", count: 2 }, around: { count: 2 } })).rejects.toThrow(/around.*give `banks`/)
  })

  it("renders only the presets of render_splits, keeping their ids", async () => {
    const { set } = await render({ banks: ["banks/*.amSynth.bank"], splits: { test: ["Beta"] }, render_splits: ["test"] })
    expect(set.clips.map((c) => c.id)).toEqual(["Beta/000-n60-v100"])
    expect(set.clips[0]!.split).toBe("test")
    await expect(render({ banks: ["banks/*.amSynth.bank"], render_splits: ["val"] })).rejects.toThrow(/no preset is in render_splits \(val\)/)
  })

  it("gives clear errors for bad preset sources", async () => {
    await expect(render({ notes: [60] })).rejects.toThrow(/give exactly one of `presets` \(sampled\) or `banks`/)
    await expect(render({ banks: ["nothing/*.bank"] })).rejects.toThrow(/banks\[0\]: "nothing\/\*\.bank": folder .* does not exist/)
    await expect(render({ banks: ["banks/*.fxb"] })).rejects.toThrow(/banks\[0\]: "banks\/\*\.fxb" matches no file/)
    await expect(render({ banks: ["banks"], splits: { test: ["Gamma"] } })).rejects.toThrow(/splits names bank "Gamma"/)
    await expect(render({ presets: { count: 2, fixed: { cutof: 1 } } })).rejects.toThrow(/presets\.fixed\.cutof: not an amsynth parameter/)
    writeFileSync(join(dir, "broken.bank"), "amSynth\n<preset> <name> x\n<parameter> amp_attack 0.1\n")
    await expect(render({ banks: ["broken.bank"] })).rejects.toThrow(/broken\.bank: no closing "EOF" line/)
    await expect(render({ presets: { count: 1 }, engine: "amsynth", plugin: "missing/amsynth_dssi.so" })).rejects.toThrow(/does not exist; get it with `apt-get download amsynth/)
  })

  it("dataset.validate checks synth labels against amsynth's ranges", async () => {
    const { set } = await render({ presets: { count: 2 } })
    const bad = encodeAudioSet({ clips: set.clips.map((c, i) => (i === 0 ? { ...c, labels: { ...c.labels, "synth.filter_cutoff": 2.5, "synth.osc_mix.norm": -0.1 } } : c)) })
    const ctx = testContext("validate", 1)
    await runStage(datasetValidate, stageParams(datasetValidate, { on_fail: "warn", checks: ["bounds"] }), { audio: bad }, ctx)
    const report = ctx.reports[0] as { items: Array<{ id: string; failures: Array<{ detail: string }> }> }
    expect(report.items[0]!.failures.map((f) => f.detail)).toEqual([
      "label synth.filter_cutoff = 2.5 outside amsynth's range [-0.5, 1.5]",
      "label synth.osc_mix.norm = -0.1 outside amsynth's range [0, 1]"
    ])
    expect(report.items[1]!.failures).toEqual([])
  })

  it.skipIf(findAmsynthPlugin() === undefined)("renders with the real amsynth when its plugin is installed (needs AUDIOML_AMSYNTH_DIR or /usr/lib/dssi)", async () => {
    const { set, report } = await render({ banks: ["banks/Beta.amSynth.bank"], engine: "amsynth", notes: [57, 69] })
    expect(report).toMatchObject({ engine: "amsynth", renders: 2, silent_renders: 0 })
    expect(set.clips.map((c) => c.labels["synth.engine"])).toEqual(["amsynth", "amsynth"])
  })
})

import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { decodeWav, encodeWav } from "../../../src/audio/wav.js"
import { matchFile } from "../../../src/cli/commands/match.js"
import { predictFile } from "../../../src/cli/commands/predict.js"
import { recommend } from "../../../src/cli/commands/recommend.js"
import { UserError } from "../../../src/cli/user-error.js"
import { Rng } from "../../../src/params/rng.js"
import { defaultPresetValues, synthParamByName } from "../../../src/synth/params.js"
import { estimateNote } from "../../../src/cli/commands/synth-models.js"
import { readPresetFile, samplePresets } from "../../../src/synth/preset-source.js"
import { readAmsynthBank, writeAmsynthBank } from "../../../src/synth/presets/amsynth-bank.js"
import { renderNote } from "../../../src/synth/render.js"
import { audioml, tempDir } from "../../helpers/cli.js"

const previous = process.env["AUDIOML_BACKEND"]
beforeAll(() => {
  process.env["AUDIOML_BACKEND"] = "cpu"
})
afterAll(() => {
  if (previous === undefined) delete process.env["AUDIOML_BACKEND"]
  else process.env["AUDIOML_BACKEND"] = previous
})

// Three banks of seeded random presets, the tiny config beside them, one `audioml run`.
const dir = tempDir("audioml-synth-cli-")
mkdirSync(join(dir, "banks"))
const rng = new Rng(21)
const presets = samplePresets({ sample: "uniform", count: 18, fixed: { master_vol: 0.8, amp_sustain: 1, amp_attack: 0.05, osc1_waveform: 2, filter_type: 0, amp_mod_amount: -1, keyboard_mode: 0 } }, () => rng.next())
// the waveform varies by bank position so the classified target has two classes
const banks = { Alpha: presets.slice(0, 10), Beta: presets.slice(10, 14), Gamma: presets.slice(14) }
for (const [name, list] of Object.entries(banks)) {
  list.forEach((p, i) => (p.values[synthParamByName("osc1_waveform")!.index] = i % 2 === 0 ? 2 : 1))
  writeAmsynthBank(join(dir, "banks", `${name}.amSynth.bank`), list.map((p, i) => ({ ...p, name: `${name}${i}` })))
}
copyFileSync(new URL("../../fixtures/synth/tiny-synth-params.toml", import.meta.url), join(dir, "tiny.toml"))
const run = audioml(["run", "tiny.toml"], dir, { AUDIOML_BACKEND: "cpu" })
const runDir = (() => {
  const root = join(dir, "runs", "tiny-synth-params")
  return existsSync(root) ? join(root, readdirSync(root)[0]!) : ""
})()
const json = (path: string) => JSON.parse(readFileSync(join(runDir, path), "utf8"))

// a held-out preset (Gamma 1) played at note 48, as source.synth renders it
const queryWav = join(dir, "query.wav")
writeFileSync(queryWav, encodeWav({ sampleRate: 16000, channels: [renderNote(readAmsynthBank(join(dir, "banks", "Gamma.amSynth.bank"))[1]!.values, { sampleRate: 16000, seconds: 0.5, noteSeconds: 0.4, note: 48, velocity: 100, seed: 1 })] }))

const userError = async (f: () => Promise<unknown>): Promise<UserError> => {
  try {
    await f()
  } catch (e) {
    expect(e).toBeInstanceOf(UserError)
    return e as UserError
  }
  throw new Error("expected a UserError")
}

describe("the resynthesis note", () => {
  it("is the MIDI note of the median voiced YIN F0: amsynth's default preset (saw) at notes 45, 57 and 76", () => {
    for (const note of [45, 57, 76]) expect(estimateNote(renderNote(defaultPresetValues(), { sampleRate: 16000, seconds: 1, note, seed: 1 }), 16000)).toBe(note)
    expect(estimateNote(new Float32Array(16000), 16000)).toBeUndefined()
  })
})

describe("synth parameter and tone models, end to end on tiny banks", () => {
  it("the run finishes", () => {
    expect(run.stderr).not.toMatch(/internal error/)
    expect(run.status).toBe(0)
  })

  it("evaluate: the parameter metrics are those of its predictions table (normalised MAE, group means, accuracy)", () => {
    const m = json("params_eval/metrics.json")
    const table = json("params_eval/predictions.json") as Array<Record<string, { true: number; predicted: number }>>
    expect(m.items).toBe(8) // Gamma: 4 presets × 2 notes
    const range: Record<string, number> = { "synth.filter_cutoff": 2, "synth.amp_release": 2.5, "synth.osc1_waveform": 4, "synth.osc2_range": 7 }
    for (const [name, width] of Object.entries(range)) {
      const mae = table.reduce((s, r) => s + Math.abs(r[name]!.true - r[name]!.predicted), 0) / table.length
      expect(m.mae_normalised[name]).toBeCloseTo(mae / width, 5)
    }
    const acc = table.filter((r) => r["synth.osc1_waveform"]!.true === r["synth.osc1_waveform"]!.predicted).length / table.length
    expect(m.accuracy["synth.osc1_waveform"]).toBeCloseTo(acc, 9)
    expect(m.mae_normalised_by_group.filter).toBeCloseTo((m.mae_normalised["synth.filter_cutoff"] + 0) / 1, 9)
    expect(m.mae_normalised_mean).toBeCloseTo(Object.values(m.mae_normalised as Record<string, number>).reduce((a, b) => a + b, 0) / 4, 9)
    const model = json("params_model/model-meta.json")
    expect(model.targets.map((t: { classes?: number }) => t.classes ?? 1)).toEqual([1, 1, 5, 1])
    expect(model.features.extraction.mel.n_mels).toBe(24)
    expect(json("params_eval/report.json").inference.items).toBe(2)
    // resynthesis of every test item from its predicted parameters, and from the average preset
    expect(m.resynthesis.items).toBe(8)
    for (const v of [m.resynthesis.lsd_db, m.resynthesis.mfcc_l1, m.resynthesis.mrstft, m.resynthesis.average_preset.lsd_db]) expect(v).toBeGreaterThan(0)
  })

  it("evaluate: tone-match top-1 and top-5 are those of its matches table; the bank is note 60 without the drawn presets", () => {
    const m = json("tone_eval/metrics.json").tone_match
    const matches = json("tone_eval/matches.json") as Array<{ identity: string; nearest: Array<{ identity: string; distance: number }> }>
    expect(matches.length).toBe(4) // Gamma at note 48
    expect(m.queries).toBe(4)
    expect(m.bank_items).toBe(18)
    expect(m.top1).toBeCloseTo(matches.filter((q) => q.nearest[0]!.identity === q.identity).length / 4, 9)
    expect(m.top5).toBeCloseTo(matches.filter((q) => q.nearest.some((n) => n.identity === q.identity)).length / 4, 9)
    for (const q of matches) for (let i = 1; i < q.nearest.length; i++) expect(q.nearest[i]!.distance).toBeGreaterThanOrEqual(q.nearest[i - 1]!.distance)
  })

  it("audioml predict: named parameters in units and normalised, a .bank and an .fxp that read back, and resynth.wav", async () => {
    const out = join(dir, "pred", "lead.amSynth.bank")
    mkdirSync(join(dir, "pred"))
    const r = await predictFile({ model: runDir, input: queryWav, out, note: 48 })
    expect(r.params.map((p) => p.name)).toEqual(["filter_cutoff", "amp_release", "osc1_waveform", "osc2_range"])
    expect(r.note).toBe(48)
    const [saved] = readAmsynthBank(out)
    expect(saved!.name).toBe("query")
    for (const p of r.params) {
      const spec = synthParamByName(p.name)!
      expect(saved!.values[spec.index]).toBeCloseTo(p.value, 9)
      expect(p.normalised).toBeCloseTo((p.value - spec.min) / (spec.max - spec.min), 9)
    }
    expect(r.params.find((p) => p.name === "amp_release")!.unit).toBe("s")
    expect(["pulse", "saw", "sine", "noise", "random"]).toContain(r.params.find((p) => p.name === "osc1_waveform")!.value_name)
    const resynth = decodeWav(readFileSync(join(dir, "pred", "resynth.wav")))
    expect(resynth.channels[0]!.length).toBe(8000)
    const fxp = join(dir, "pred", "lead.fxp")
    await predictFile({ model: runDir, input: queryWav, out: fxp, resynth: join(dir, "pred", "r2.wav") })
    // the .fxp holds amsynth's normalised parameters (float32): the same preset back
    const [fromFxp] = readPresetFile(fxp)
    for (const p of r.params) expect(fromFxp!.values[synthParamByName(p.name)!.index]).toBeCloseTo(p.value, 5)
    // the CLI: JSON on stdout, exit 2 with a clear message for a bad --out
    const cli = audioml(["predict", "--model", runDir, queryWav, "--json"], dir, { AUDIOML_BACKEND: "cpu" })
    expect(cli.status).toBe(0)
    expect(JSON.parse(cli.stdout).params.length).toBe(4)
    const bad = audioml(["predict", "--model", runDir, queryWav, "--out", join(dir, "x.txt")], dir, { AUDIOML_BACKEND: "cpu" })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--out .*x\.txt: write an amsynth bank/)
    expect((await userError(() => predictFile({ model: runDir, input: join(dir, "missing.wav") }))).message).toMatch(/missing\.wav: file not found/)
  })

  it("audioml match: the nearest presets of a bank, nearest first, same sounds once; clear errors", async () => {
    const r = await matchFile({ model: runDir, input: queryWav, banks: [join(dir, "banks")], top: 3, seconds: 0.5, noteSeconds: 0.4 })
    expect(r.presets).toBe(18)
    expect(r.matches.map((m) => m.rank)).toEqual([1, 2, 3])
    for (let i = 1; i < 3; i++) expect(r.matches[i]!.distance).toBeGreaterThanOrEqual(r.matches[i - 1]!.distance)
    expect((await userError(() => matchFile({ model: runDir, input: queryWav, banks: [join(dir, "nope.bank")] }))).message).toMatch(/nope\.bank" does not exist/)
    // a run's parameter model is not a tone embedding
    expect((await userError(() => matchFile({ model: join(runDir, "params_model"), input: queryWav, banks: [join(dir, "banks")] }))).message).toMatch(
      /a model\.param_regressor model, not a tone embedding/
    )
  })

  it("audioml recommend: nearest presets, moves toward an attribute, interpolation, a bank of the results; clear errors", async () => {
    const banks = [join(dir, "banks")]
    const near = await recommend({ model: runDir, preset: "Alpha0", banks, n: 3 })
    expect(near.mode).toBe("nearest")
    expect(near.recommendations.length).toBe(3)
    expect(near.recommendations.every((r) => r.name !== "Alpha0")).toBe(true)
    for (let i = 1; i < 3; i++) expect(near.recommendations[i]!.distance).toBeGreaterThanOrEqual(near.recommendations[i - 1]!.distance)
    const meta = json("vae_model/model-meta.json")
    expect(Object.keys(meta.directions).sort()).toEqual(["brighter", "longer", "louder"])
    const out = join(dir, "brighter.amSynth.bank")
    const up = await recommend({ model: runDir, preset: "Alpha/Alpha0", banks, toward: "brighter", n: 2, step: 1, out })
    expect(up.recommendations.map((r) => r.distance)).toEqual([1, 2])
    expect(readAmsynthBank(out).map((p) => p.name)).toEqual(["Alpha0 brighter 1", "Alpha0 brighter 2"])
    // darker is brighter backwards: the first step of each mirrors the other around the preset's latent point
    const down = await recommend({ model: runDir, preset: "Alpha0", banks, toward: "darker", n: 1, step: 1 })
    expect(down.recommendations[0]!.values).not.toEqual(up.recommendations[0]!.values)
    const between = await recommend({ model: runDir, preset: "Alpha0", banks, toward: "Gamma1", n: 3 })
    expect(between.mode).toBe("interpolate")
    expect(between.toward).toBe("Gamma/Gamma1")
    expect((await userError(() => recommend({ model: runDir, preset: "Nope", banks }))).message).toMatch(/--preset Nope: no preset of that name/)
    expect((await userError(() => recommend({ model: runDir, preset: "Alpha0", banks, toward: "wetter" }))).message).toMatch(/--toward wetter: neither an attribute \(brighter, longer, louder, darker, quieter, shorter\)/)
    expect(json("vae_eval/metrics.json").reconstruction.vectors).toBe(4)
  })
})

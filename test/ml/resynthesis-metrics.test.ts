import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { logSpectralDistance, mfccL1 } from "../../src/ml/audio-metrics.js"
import { mfcc } from "../../src/features/mfcc.js"
import type { LabelNorm } from "../../src/ml/model-meta.js"
import { meanPrediction, presetValuesFromPrediction, queryNoteOf, resynthesisDistances } from "../../src/ml/resynthesis.js"
import { defaultPresetValues, synthParamByName } from "../../src/synth/params.js"
import { renderNote } from "../../src/synth/render.js"

const ref = JSON.parse(readFileSync(new URL("../fixtures/synth/lsd.json", import.meta.url), "utf8")) as {
  sample_rate: number
  length: number
  cases: Array<{ n_fft: number; hop: number; lsd?: number; lsd_a_half?: number }>
}
const SR = ref.sample_rate
const a = Float32Array.from({ length: ref.length }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 440 * t) / SR) + 0.1 * Math.sin((2 * Math.PI * 1234 * t) / SR))
const b = Float32Array.from({ length: ref.length }, (_, t) => 0.4 * Math.sin((2 * Math.PI * 440 * t) / SR) * Math.exp((-3 * t) / SR) + 0.05 * Math.sin((2 * Math.PI * 3000 * t) / SR))

describe("resynthesis distances", () => {
  it("log-spectral distance equals numpy's (test/fixtures/synth/make_lsd_fixture.py)", () => {
    for (const c of ref.cases) {
      if (c.lsd !== undefined) expect(logSpectralDistance(a, b, { nFft: c.n_fft, hop: c.hop })).toBeCloseTo(c.lsd, 3)
      if (c.lsd_a_half !== undefined) expect(logSpectralDistance(a, a.map((v) => v * 0.5), { nFft: c.n_fft, hop: c.hop })).toBeCloseTo(c.lsd_a_half, 3)
    }
    expect(logSpectralDistance(a, a)).toBe(0)
  })
  it("MFCC L1 is the mean |difference| of librosa-default MFCCs", () => {
    const ma = mfcc(a, SR)
    const mb = mfcc(b, SR)
    let s = 0
    for (let i = 0; i < ma.data.length; i++) s += Math.abs(ma.data[i]! - mb.data[i]!)
    expect(mfccL1(a, b, SR)).toBeCloseTo(s / ma.data.length, 6)
    expect(mfccL1(a, a, SR)).toBe(0)
  })
  it("the true parameters resynthesise the query exactly (our synth, same note): all distances 0", () => {
    const values = defaultPresetValues()
    values[synthParamByName("filter_cutoff")!.index] = 0.4
    const query = renderNote(values, { sampleRate: SR, seconds: 0.5, noteSeconds: 0.3, note: 52, velocity: 90, seed: 1 })
    const d = resynthesisDistances(query, SR, values, queryNoteOf({ note: 52, velocity: 90, "synth.note_off_s": 0.3 }, 0.5))
    expect(d).toEqual({ lsd_db: 0, mfcc_l1: 0, mrstft: 0 })
    const other = resynthesisDistances(query, SR, defaultPresetValues(), queryNoteOf({ note: 52, velocity: 90, "synth.note_off_s": 0.3 }, 0.5))
    expect(other.lsd_db).toBeGreaterThan(1)
  })
  it("predicted normalised values become raw preset values; the average preset takes means and modes", () => {
    const targets: LabelNorm[] = [
      { name: "c", from: "synth.filter_cutoff", range: [-0.5, 1.5] },
      { name: "w", from: "synth.osc1_waveform", range: [0, 4], classes: 5 },
      { name: "r", from: "synth.reverb_wet.norm", range: [0, 1] },
      { name: "x", from: "drive", range: [0, 1] }
    ]
    const v = presetValuesFromPrediction(targets, [0.25, 0.75, 0.5, 0.9])
    expect(v[synthParamByName("filter_cutoff")!.index]).toBeCloseTo(0, 9)
    expect(v[synthParamByName("osc1_waveform")!.index]).toBe(3)
    expect(v[synthParamByName("reverb_wet")!.index]).toBeCloseTo(0.5, 9)
    expect(v[synthParamByName("amp_sustain")!.index]).toBe(1) // not predicted: default
    const train = [
      { id: "a", labels: { "synth.filter_cutoff": 0.5, "synth.osc1_waveform": 1, "synth.reverb_wet.norm": 0.2, drive: 0 } },
      { id: "b", labels: { "synth.filter_cutoff": 1.5, "synth.osc1_waveform": 1, "synth.reverb_wet.norm": 0.4, drive: 1 } },
      { id: "c", labels: { "synth.filter_cutoff": 1.0, "synth.osc1_waveform": 4, "synth.reverb_wet.norm": 0.6, drive: 1 } }
    ]
    const m = meanPrediction(targets, train)
    expect(m[0]).toBeCloseTo(0.75, 6)
    expect(m[1]).toBeCloseTo(0.25, 6)
    expect(m[2]).toBeCloseTo(0.4, 6)
    expect(queryNoteOf({}, 4)).toEqual({ note: 60, velocity: 100, noteOff: 3 })
  })
})

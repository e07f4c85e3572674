import { describe, expect, it } from "vitest"
import { paramMetrics } from "../../src/stages/evaluate/param-metrics.js"
import { resolveLabelNorms } from "../../src/stages/train/label-norms.js"
import type { LabelNorm } from "../../src/ml/model-meta.js"

const item = (id: string, labels: Record<string, unknown>) => ({ id, labels })

describe("parameter metrics (hand-computed)", () => {
  const targets: LabelNorm[] = [
    { name: "cut", from: "cut", range: [0, 10], group: "filter" },
    { name: "res", from: "res", range: [0, 1], group: "filter" },
    { name: "wave", from: "wave", range: [0, 4], classes: 5, group: "oscillators" }
  ]
  const items = [item("a", { cut: 2, res: 0.5, wave: 1 }), item("b", { cut: 8, res: 0.1, wave: 4 })]
  const train = [item("t1", { cut: 4, res: 0.2, wave: 1 }), item("t2", { cut: 6, res: 0.4, wave: 1 }), item("t3", { cut: 5, res: 0.3, wave: 2 })]
  // outputs: cut (normalised), res, 5 wave logits
  const outputs = [
    [0.3, 0.5, 0, 5, 0, 0, 0], // cut 3 (err 1 → 0.1), res exact, wave class 1 ✓
    [0.6, 0.3, 0, 0, 9, 0, 0] // cut 6 (err 2 → 0.2), res err 0.2, wave class 2 for 4 ✗ (err 2/4)
  ]
  const { metrics, predictions } = paramMetrics(targets, outputs, items, train)
  it("per-target MAE in units and normalised, accuracy", () => {
    expect(metrics.mae["cut"]).toBeCloseTo(1.5, 6)
    expect(metrics.mae_normalised["cut"]).toBeCloseTo(0.15, 6)
    expect(metrics.mae_normalised["res"]).toBeCloseTo(0.1, 6)
    expect(metrics.mae_normalised["wave"]).toBeCloseTo(0.25, 6)
    expect(metrics.mae["wave"]).toBeCloseTo(1, 6)
    expect(metrics.accuracy).toEqual({ wave: 0.5 })
    expect(metrics.accuracy_mean).toBe(0.5)
  })
  it("group means, the overall mean and the regressed-only mean", () => {
    expect(metrics.mae_normalised_by_group["filter"]).toBeCloseTo(0.125, 6)
    expect(metrics.mae_normalised_by_group["oscillators"]).toBeCloseTo(0.25, 6)
    expect(metrics.mae_normalised_mean).toBeCloseTo((0.15 + 0.1 + 0.25) / 3, 6)
    expect(metrics.mae_normalised_mean_regressed).toBeCloseTo(0.125, 6)
  })
  it("baselines: the training mean for regressed targets, the most frequent training class for classified ones", () => {
    // training mean of cut 5 (0.5): |0.2 − 0.5|, |0.8 − 0.5| → 0.3
    expect(metrics.baseline_mae_normalised["cut"]).toBeCloseTo(0.3, 6)
    expect(metrics.baseline_mae["cut"]).toBeCloseTo(3, 6)
    // mode class 1: right for a, 3 classes off for b
    expect(metrics.baseline_accuracy["wave"]).toBe(0.5)
    expect(metrics.baseline_mae_normalised["wave"]).toBeCloseTo(0.375, 6)
  })
  it("predictions in units", () => {
    expect(predictions[1]!.values["cut"]).toEqual({ true: 8, predicted: 6 })
    expect(predictions[1]!.values["wave"]).toEqual({ true: 4, predicted: 2 })
  })
})

describe("label norms of synth parameters", () => {
  const items = [item("x", { "synth.osc1_waveform": 2, "synth.filter_cutoff": 0.3, "synth.osc2_range": 1 })]
  it("take amsynth's range and group; enums are classified only by models that classify", () => {
    const [wave, cut, range] = resolveLabelNorms(["synth.osc1_waveform", "synth.filter_cutoff", "synth.osc2_range"], {}, items, "target", { classify: true })
    expect(wave).toMatchObject({ range: [0, 4], classes: 5, group: "oscillators" })
    expect(cut).toMatchObject({ range: [-0.5, 1.5], group: "filter" })
    expect(cut!.classes).toBeUndefined()
    // octaves are ordinal: regressed
    expect(range).toMatchObject({ range: [-3, 4] })
    expect(range!.classes).toBeUndefined()
    const [plain] = resolveLabelNorms(["synth.osc1_waveform"], {}, items, "target")
    expect(plain!.classes).toBeUndefined()
  })
})

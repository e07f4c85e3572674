import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { readJsonFile } from "../../src/engine/artifact.js"
import { encodeAudioSet, type Clip } from "../../src/stages/artifacts/audio-set.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { decodeStyleEncoderArtifact } from "../../src/stages/artifacts/style-encoder-artifact.js"
import { builtinStages } from "../../src/stages/registry.js"
import { stylePairsStage } from "../../src/stages/style-pairs.js"
import { styleTrainStage } from "../../src/stages/style-train.js"
import { styleEvaluateStage } from "../../src/stages/style-evaluate.js"
import { runStage } from "../helpers/stage-context.js"

const sr = 8000
const clip = (id: string, seed: number, split?: "train" | "val" | "test"): Clip => {
  const rng = new Rng(seed)
  const level = rng.uniform(0.05, 0.3)
  return { id, audio: { sampleRate: sr, channels: [Float32Array.from({ length: sr }, () => level * rng.normal())] }, labels: { source: id }, split }
}
const splits = ["train", "train", "train", "train", "train", "train", "val", "test", "test"] as const
const audio = encodeAudioSet({ clips: splits.map((s, i) => clip(`c${i}`, i + 1, s)) })
const style = [{ uses: "eq.peaking", freq: 1000, q: 1, gain_db: { uniform: [-12, 12] } }, { uses: "gain", gain_db: { uniform: [-6, 6] } }]
const corrupt = [{ uses: "eq.highshelf", freq: 2000, gain_db: { uniform: [-6, 6] } }]

describe("style.pairs, style.train, style.evaluate stages", () => {
  it("are registered", () => {
    for (const s of [stylePairsStage, styleTrainStage, styleEvaluateStage]) expect(builtinStages).toContain(s)
  })

  it("style.pairs: ids, splits and clip labels kept; the known parameters as labels", async () => {
    const pairs = decodePairedAudioSet(await runStage(stylePairsStage, { corrupt, style }, { audio })).pairs
    expect(pairs.map((p) => p.id)).toEqual(splits.map((_, i) => `c${i}`))
    expect(pairs.map((p) => p.split)).toEqual([...splits])
    for (const p of pairs) {
      expect(p.labels["source"]).toBe(p.id)
      const t = p.labels["style_t.chain[0].gain_db"] as number
      expect(t).toBeGreaterThanOrEqual(0)
      expect(t).toBeLessThanOrEqual(1)
      expect(p.labels["style.chain[0].gain_db"]).toBeCloseTo(-12 + 24 * t, 9)
      expect(typeof p.labels["style_t.chain[1].gain_db"]).toBe("number")
      expect([0, 1]).toContain(p.labels["reference_half"])
    }
  })

  it("style.pairs: a style chain with nothing searched is a ParameterError naming `style`", async () => {
    await expect(runStage(stylePairsStage, { style: [{ uses: "gain", gain_db: 3 }] }, { audio })).rejects.toThrow(/style: no parameter is searched.*uniform/)
  })

  it("style.train then style.evaluate: the DeepAFx-ST table with the encoder row", async () => {
    const pairs = await runStage(stylePairsStage, { corrupt, style }, { audio })
    const encoder = await runStage(styleTrainStage, { chain: style, epochs: 2, batch: 3, model: { uses: "model.style_encoder", hidden: 8, layers: 1 } }, { pairs })
    const weights = decodeStyleEncoderArtifact(encoder)
    expect(weights.params).toEqual(["chain[0].gain_db", "chain[1].gain_db"])
    expect(weights.gradient).toBe("autodiff")
    expect(weights.history.map((h) => h.val !== null)).toEqual([true, true])
    const metrics = await runStage(styleEvaluateStage, { chain: style, methods: ["input", "rule_based", "autodiff", "spsa"], iterations: 3, perturbations: 1 }, { pairs, encoder })
    const m = readJsonFile<any>(metrics, "metrics.json")
    expect(m.pairs).toBe(2)
    expect(Object.keys(m.table)).toEqual(["input", "rule_based", "autodiff", "spsa", "encoder"])
    expect(m.table.input.reduction).toBe(1)
    expect(m.table.input.param_mae).toBeNull()
    for (const row of ["autodiff", "spsa", "encoder"]) expect(m.table[row].param_mae).toBeGreaterThanOrEqual(0)
    expect(m.per_pair).toHaveLength(2)
    expect(new TextDecoder().decode(metrics.files.get("table.md"))).toMatch(/\| encoder \| [0-9.]+ \|/)
    // an encoder trained for another chain is refused, naming both parameter lists
    const other = [{ uses: "gain", gain_db: { uniform: [-12, 12] } }]
    const otherPairs = await runStage(stylePairsStage, { style: other }, { audio })
    await expect(runStage(styleEvaluateStage, { chain: other, methods: ["input"] }, { pairs: otherPairs, encoder })).rejects.toThrow(
      /trained for parameters \[chain\[0\]\.gain_db, chain\[1\]\.gain_db\], the chain searches \[chain\[0\]\.gain_db\]: train it with the same chain/
    )
  })

  it("style.train: EQ teacher warm start, both halves as references, long-term features, loudness weight and pair limits", async () => {
    const pairs = await runStage(stylePairsStage, { corrupt, style }, { audio })
    const params = {
      chain: style,
      epochs: 1,
      batch: 3,
      pretrain_epochs: 2,
      teacher: "eq_corrected",
      references: "both",
      loudness_weight: 0.5,
      finetune_lr: 0.001,
      train_pairs: 4,
      val_pairs: 1,
      model: { uses: "model.style_encoder", hidden: 8, layers: 1, features: "long_term_input" }
    }
    const weights = decodeStyleEncoderArtifact(await runStage(styleTrainStage, params, { pairs }))
    expect(weights.features).toBe("long_term_input")
    // 88 features and the input's own long-term dB in each of the 40 mel bands
    expect(weights.dense[0]!.inputs).toBe(128)
    // the warm start's validation loss (epoch 0), then one epoch through the chain
    expect(weights.history.map((h) => h.epoch)).toEqual([0, 1])
    expect(weights.history.every((h) => h.val !== null && Number.isFinite(h.val))).toBe(true)
    // the teacher needs the warm start, and pairs that record their corrupting response
    await expect(runStage(styleTrainStage, { ...params, pretrain_epochs: 0 }, { pairs })).rejects.toThrow(/teacher: .*pretrain_epochs > 0/)
    const plain = await runStage(stylePairsStage, { style }, { audio })
    await expect(runStage(styleTrainStage, params, { pairs: plain })).rejects.toThrow(/teacher = "eq_corrected" needs pairs that record their corrupting response \(labels corrupt_db\[k\]; pair c0\)/)
  })

  it("style.train: init fine-tunes another encoder (epoch 0 is its validation loss); one for another model is a clear error", async () => {
    const pairs = await runStage(stylePairsStage, { corrupt, style }, { audio })
    const model = { uses: "model.style_encoder", hidden: 8, layers: 1 }
    const init = await runStage(styleTrainStage, { chain: style, epochs: 1, batch: 3, model }, { pairs })
    const tuned = decodeStyleEncoderArtifact(await runStage(styleTrainStage, { chain: style, epochs: 1, batch: 3, lr: 0.0001, model }, { pairs, init }))
    expect(tuned.history.map((h) => h.epoch)).toEqual([0, 1])
    expect(tuned.featureMean).toEqual(decodeStyleEncoderArtifact(init).featureMean)
    await expect(runStage(styleTrainStage, { chain: style, epochs: 1, model: { ...model, hidden: 16 } }, { pairs, init })).rejects.toThrow(
      /style\.train: init: the initial encoder is hidden = 8, layers = 1, features = "mean_db"; the model asks for hidden = 16/
    )
  })

  it("style.evaluate: pairs made with another chain, and the encoder row without an encoder, are clear errors", async () => {
    const pairs = await runStage(stylePairsStage, { style }, { audio })
    await expect(runStage(styleEvaluateStage, { chain: [{ uses: "gain", gain_db: { uniform: [-3, 3] } }, { uses: "gain", gain_db: { uniform: [-6, 6] } }, { uses: "gain", gain_db: { uniform: [-6, 6] } }], methods: ["input"] }, { pairs })).rejects.toThrow(
      /pair c7 has no label .*style_t\.chain\[2\]\.gain_db.*same style chain/
    )
    await expect(runStage(styleEvaluateStage, { chain: style, methods: ["encoder"] }, { pairs })).rejects.toThrow(/methods: the "encoder" row needs a trained encoder/)
    await expect(runStage(styleEvaluateStage, { chain: [{ uses: "mod.chorus", mix: { uniform: [0, 1] } }], methods: ["autodiff"] }, { pairs })).rejects.toThrow(/"autodiff" needs a differentiable chain: chain\[0\] \(mod\.chorus\)/)
  })
})

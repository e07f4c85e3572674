import { describe, expect, it } from "vitest"
import { Rng } from "../../../src/params/rng.js"
import type { ChainItem } from "../../../src/effects/chain.js"
import { loadBackend } from "../../../src/ml/backend.js"
import { encoderFeatures, loadStyleEncoder, trainStyleEncoder, type EncoderExample } from "../../../src/ml/style/encoder.js"
import { splitHalves } from "../../../src/ml/style/halves.js"
import { ungatedLoudness } from "../../../src/ml/style/loudness.js"
import { LOUDNESS_WEIGHT, makeObjective } from "../../../src/ml/style/objective.js"
import { styleStatistics } from "../../../src/ml/style/style-loss.js"
import { makeStylePair, styleFreeParams } from "../../../src/ml/style/style-pairs.js"

const { tf } = await loadBackend("cpu")
const fs = 8000

/** A one-parameter style (level) on noise of random colour: the encoder must read the level difference. */
const chain: ChainItem[] = [{ uses: "gain", gain_db: { uniform: [-12, 12] } }]
const free = styleFreeParams(chain)

const examples = (n: number, seed: number): Array<EncoderExample & { t: number }> =>
  Array.from({ length: n }, (_, i) => {
    const rng = new Rng(seed).fork(i)
    const level = rng.uniform(0.05, 0.3)
    const clean = { sampleRate: fs, channels: [Float32Array.from({ length: fs }, () => level * rng.normal())] }
    const p = makeStylePair(clean, [], chain, free, rng.fork("pair"))
    const h = splitHalves(p.input.channels[0]!, p.target.channels[0]!, p.referenceHalf)
    return { input: h.input, reference: h.reference, truth: h.truth, t: [p.t[0]!] }
  })

const options = { spec: { uses: "model.style_encoder" as const, hidden: 16, layers: 1 }, epochs: 25, batch: 4, learningRate: 0.02, seed: 1 }

describe("model.style_encoder (mode B)", () => {
  it("features: reference − input statistics (84), then the input's centroid, slope, crest and loudness (4)", () => {
    const [e] = examples(1, 3)
    const f = encoderFeatures(e!.input, e!.reference, fs)
    expect(f.length).toBe(88)
    expect(Array.from(encoderFeatures(e!.input, e!.input, fs).subarray(0, 84)).every((v) => v === 0)).toBe(true)
  })

  it("long-term features: a reference 6 dB louder than the input reads 6 dB in every band, with notes and gaps; long_term_input adds the input's 40 bands", () => {
    // decaying tone bursts with silence between them: the mean of the dB would count the gaps' floor
    const x = Float32Array.from({ length: fs }, (_, i) => {
      const k = i % 2000
      return k < 1200 ? 0.3 * Math.exp(-k / 300) * Math.sin((2 * Math.PI * 440 * i) / fs) + 0.01 * Math.sin((2 * Math.PI * 3100 * i) / fs) : 0
    })
    const louder = x.map((v) => v * 10 ** (6 / 20))
    const f = encoderFeatures(x, louder, fs, "long_term")
    expect(f.length).toBe(88)
    for (const b of Array.from(f.subarray(0, 40))) expect(b).toBeCloseTo(6, 3)
    const g = encoderFeatures(x, louder, fs, "long_term_input")
    expect(g.length).toBe(128)
    expect(Array.from(g.subarray(0, 88))).toEqual(Array.from(f))
    const own = styleStatistics(x, fs).longTermDb
    expect(Array.from(g.subarray(88))).toEqual(Array.from(own, (v) => Math.fround(v)))
  })

  it("the loudness weight scales the loudness term of the training loss", () => {
    const [e] = examples(1, 3)
    const y = e!.input.map((v) => v * 0.5)
    const dl = Math.abs(Math.max(ungatedLoudness(y, fs), -70) - Math.max(ungatedLoudness(e!.truth, fs), -70))
    expect(dl).toBeGreaterThan(1)
    const a = makeObjective(e!.truth, fs, "match", 0).value(y)
    const b = makeObjective(e!.truth, fs, "match", 1).value(y)
    expect(b - a).toBeCloseTo(dl, 4)
    expect(makeObjective(e!.truth, fs, "match").value(y) - a).toBeCloseTo(LOUDNESS_WEIGHT * dl, 4)
  })

  it("learns the level from (input, reference) by autodiff through the chain: held-out MAE of t < 0.08", async () => {
    const train = examples(16, 1)
    const test = examples(6, 2)
    const weights = await trainStyleEncoder(tf, chain, free, train, test.slice(0, 2), fs, { ...options, gradient: "autodiff", spsa: { perturbations: 2, epsilonStart: 0.001, epsilonEnd: 0.0005 } })
    expect(weights.history).toHaveLength(25)
    expect(weights.history.at(-1)!.train).toBeLessThan(weights.history[0]!.train)
    const enc = loadStyleEncoder(tf, weights, free)
    const mae = test.reduce((a, e) => a + Math.abs(enc.predict(e.input, e.reference)[0]! - e.t[0]!), 0) / test.length
    enc.dispose()
    expect(mae).toBeLessThan(0.08)
    // the weights are plain numbers: JSON round trip predicts the same
    const again = loadStyleEncoder(tf, JSON.parse(JSON.stringify(weights)), free)
    const enc2 = loadStyleEncoder(tf, weights, free)
    expect(Array.from(again.predict(test[0]!.input, test[0]!.reference))).toEqual(Array.from(enc2.predict(test[0]!.input, test[0]!.reference)))
    again.dispose()
    enc2.dispose()
  })

  it("trains by SPSA on the DSP chain too, deterministically for a seed", async () => {
    const train = examples(8, 4)
    const run = () => trainStyleEncoder(tf, chain, free, train, [], fs, { ...options, epochs: 4, gradient: "spsa", spsa: { perturbations: 2, epsilonStart: 0.001, epsilonEnd: 0.0005 } })
    const a = await run()
    const b = await run()
    expect(a.gradient).toBe("spsa")
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
    expect(a.history.at(-1)!.train).toBeLessThan(a.history[0]!.train)
  })

  it("warm start: regression of the known parameters alone (one pass through the chain) already predicts them", async () => {
    const train = examples(16, 1)
    const test = examples(6, 2)
    const weights = await trainStyleEncoder(tf, chain, free, train, [], fs, { ...options, epochs: 1, pretrainEpochs: 60, gradient: "autodiff", spsa: { perturbations: 1, epsilonStart: 0.001, epsilonEnd: 0.001 } })
    const enc = loadStyleEncoder(tf, weights, free)
    const mae = test.reduce((a, e) => a + Math.abs(enc.predict(e.input, e.reference)[0]! - e.t[0]!), 0) / test.length
    enc.dispose()
    expect(mae).toBeLessThan(0.08)
    await expect(
      trainStyleEncoder(tf, chain, free, train.map((e) => ({ ...e, t: undefined })), [], fs, { ...options, epochs: 1, pretrainEpochs: 1, gradient: "autodiff", spsa: { perturbations: 1, epsilonStart: 0.001, epsilonEnd: 0.001 } })
    ).rejects.toThrow(/warm start needs the known parameters/)
  })

  it("fine-tunes from given weights: their standardisation kept, their validation loss is epoch 0, the best epoch kept", async () => {
    const spsa = { perturbations: 1, epsilonStart: 0.001, epsilonEnd: 0.001 }
    const base = await trainStyleEncoder(tf, chain, free, examples(16, 1), [], fs, { ...options, epochs: 10, gradient: "autodiff", spsa })
    const other = examples(8, 6)
    const val = examples(3, 7)
    // a zero step changes nothing: the result is the initial network, whatever the new pairs' statistics
    const still = await trainStyleEncoder(tf, chain, free, other, val, fs, { ...options, epochs: 2, learningRate: 0, init: base, gradient: "autodiff", spsa })
    expect(still.dense).toEqual(base.dense)
    expect(still.featureMean).toEqual(base.featureMean)
    expect(still.history.map((h) => [h.epoch, h.train === null])).toEqual([[0, true], [1, false], [2, false]])
    const enc = loadStyleEncoder(tf, base, free)
    const baseVal = val.reduce((a, e) => a + makeObjective(e.truth, fs, "match").value(e.input.map((v) => v * 10 ** ((-12 + 24 * enc.predict(e.input, e.reference)[0]!) / 20))), 0) / val.length
    enc.dispose()
    expect(still.history[0]!.val).toBeCloseTo(baseVal, 4)
    // a real step: the kept weights are the best validation epoch, epoch 0 included
    const tuned = await trainStyleEncoder(tf, chain, free, other, val, fs, { ...options, epochs: 3, learningRate: 0.05, init: base, gradient: "autodiff", spsa })
    const vals = tuned.history.map((h) => h.val!)
    expect(vals[0]).toBeCloseTo(baseVal, 4)
    if (Math.min(...vals) === vals[0]) expect(tuned.dense).toEqual(base.dense)
    else expect(tuned.dense).not.toEqual(base.dense)
    // weights for another model, chain or sample rate are refused, naming what differs
    const fine = { ...options, epochs: 1, init: base, gradient: "autodiff" as const, spsa }
    await expect(trainStyleEncoder(tf, chain, free, other, [], fs, { ...fine, spec: { ...options.spec, hidden: 8 } })).rejects.toThrow(/initial encoder is hidden = 16, layers = 1, features = "mean_db"; the model asks for hidden = 8/)
    const two = styleFreeParams([{ uses: "gain", gain_db: { uniform: [-6, 6] } }, { uses: "gain", gain_db: { uniform: [-6, 6] } }])
    await expect(trainStyleEncoder(tf, chain, two, other, [], fs, fine)).rejects.toThrow(/initial encoder was trained for parameters \[chain\[0\]\.gain_db\]/)
    await expect(trainStyleEncoder(tf, chain, free, other, [], 16000, fine)).rejects.toThrow(/reads 8000 Hz audio, these pairs are 16000 Hz/)
  })

  it("refuses weights trained for another chain, naming both parameter lists", async () => {
    const train = examples(2, 5)
    const weights = await trainStyleEncoder(tf, chain, free, train, [], fs, { ...options, epochs: 1, gradient: "autodiff", spsa: { perturbations: 1, epsilonStart: 0.001, epsilonEnd: 0.001 } })
    const other = styleFreeParams([{ uses: "gain", gain_db: { uniform: [-6, 6] } }, { uses: "gain", gain_db: { uniform: [-6, 6] } }])
    expect(() => loadStyleEncoder(tf, weights, other)).toThrow(/trained for parameters \[chain\[0\]\.gain_db\], the chain searches \[chain\[0\]\.gain_db, chain\[1\]\.gain_db\]/)
  })
})

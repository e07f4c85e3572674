import { describe, expect, it } from "vitest"
import { decodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { proportionalCounts, sourceConcat } from "../../src/stages/source-concat.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { clipSet, pairSet } from "./dataset-fixtures.js"
import { sameFiles, stageParams } from "./stage-params.js"

const real = clipSet(["r0", "r1", "r2", "r3"])
const synth = clipSet(Array.from({ length: 20 }, (_, i) => `s${i}`))
const run = (params: Record<string, unknown>, inputs: Record<string, any>, seed = 1) =>
  runStage(sourceConcat, stageParams(sourceConcat, params), inputs, testContext("mix", seed))

describe("proportionalCounts", () => {
  it("splits a total by weights, largest remainder", () => {
    expect(proportionalCounts(10, [1, 1, 1])).toEqual([4, 3, 3])
    expect(proportionalCounts(7, [0.3, 0.7])).toEqual([2, 5])
    expect(proportionalCounts(5, [0, 2])).toEqual([0, 5])
  })
})

describe("source.concat", () => {
  it("concatenates everything by default, prefixing ids and adding a source label", async () => {
    const set = decodeAudioSet(await run({ prefix: { first: "real", second: "synth" } }, { first: real, second: synth }))
    expect(set.clips.length).toBe(24)
    expect(set.clips[0]!.id).toBe("real/r0")
    expect(set.clips[0]!.labels).toEqual({ k: 0, source: "real" })
    expect(set.clips[4]!.id).toBe("synth/s0")
    expect(set.clips[4]!.labels["source"]).toBe("synth")
  })

  it("samples in proportion to weights up to size, repeating a small source with ~r ids", async () => {
    const set = decodeAudioSet(await run({ weights: { first: 0.5, second: 0.5 }, size: 12 }, { first: real, second: synth }))
    const fromReal = set.clips.filter((c) => c.labels["source"] === "first").map((c) => c.id)
    const fromSynth = set.clips.filter((c) => c.labels["source"] === "second")
    // 6 wanted from 4: one full pass, then 2 distinct repeats
    expect(fromReal.slice(0, 4)).toEqual(["first/r0", "first/r1", "first/r2", "first/r3"])
    expect(fromReal.length).toBe(6)
    expect(fromReal.slice(4).every((id) => /^first\/r[0-3]~1$/.test(id))).toBe(true)
    expect(new Set(fromReal).size).toBe(6)
    expect(fromSynth.length).toBe(6)
    expect(new Set(fromSynth.map((c) => c.id)).size).toBe(6)
  })

  it("with weights and no size makes the largest set that repeats nothing", async () => {
    // real has 4 items at weight 1, synth 20 at weight 3: 4 real + 12 synth
    const set = decodeAudioSet(await run({ weights: { first: 1, second: 3 } }, { first: real, second: synth }))
    expect(set.clips.filter((c) => c.labels["source"] === "first").length).toBe(4)
    expect(set.clips.filter((c) => c.labels["source"] === "second").length).toBe(12)
  })

  it("is deterministic for a seed and draws differently for another", async () => {
    const params = { weights: { first: 1, second: 1 }, size: 6 }
    const a = await run(params, { first: real, second: synth }, 5)
    const b = await run(params, { first: real, second: synth }, 5)
    expect(sameFiles(a.files, b.files)).toBe(true)
    const ids = async (seed: number) => decodeAudioSet(await run(params, { first: real, second: synth }, seed)).clips.map((c) => c.id).join()
    const variants = new Set(await Promise.all([1, 2, 3, 4, 5, 6].map(ids)))
    expect(variants.size).toBeGreaterThan(1)
  })

  it("takes up to four inputs, and pairs as well as clips", async () => {
    const set = decodePairedAudioSet(await run({}, { first: pairSet(["a"]), second: pairSet(["b"]), third: pairSet(["c"]), fourth: pairSet(["d"]) }))
    expect(set.pairs.map((p) => p.id)).toEqual(["first/a", "second/b", "third/c", "fourth/d"])
  })

  it("rejects mixed kinds and weights for unconnected ports", async () => {
    await expect(run({}, { first: real, second: pairSet(["x"]) })).rejects.toThrow(/port second is a PairedAudioSet but port first is a AudioSet/)
    await expect(run({ weights: { first: 1, third: 1 } }, { first: real, second: synth })).rejects.toThrow(/weights\.third: no input is connected/)
    await expect(run({ weights: { first: 1 } }, { first: real, second: synth })).rejects.toThrow(/weights has no entry for port "second"/)
  })
})

import { describe, expect, it } from "vitest"
import { decodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { datasetSplit, recordingOf } from "../../src/stages/dataset-split.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { clipSet, pairSet } from "./dataset-fixtures.js"
import { sameFiles, stageParams } from "./stage-params.js"

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `clip${from + i}`)
const run = (params: Record<string, unknown>, input: any, seed = 7) =>
  runStage(datasetSplit, stageParams(datasetSplit, params), { audio: input }, testContext("split", seed))

describe("dataset.split", () => {
  it("assigns fractions by hash (within sampling error)", async () => {
    const set = decodeAudioSet(await run({ train: 0.6, val: 0.2, test: 0.2 }, clipSet(ids(400), 10)))
    const count = (s: string) => set.clips.filter((c) => c.split === s).length
    expect(count("train") + count("val") + count("test")).toBe(400)
    // binomial sd for p=0.6, n=400 is ~10: allow 4 sd
    expect(Math.abs(count("train") - 240)).toBeLessThan(40)
    expect(Math.abs(count("val") - 80)).toBeLessThan(32)
  })

  it("is stable under adding clips: existing clips keep their split", async () => {
    const before = decodeAudioSet(await run({}, clipSet(ids(50), 10)))
    const after = decodeAudioSet(await run({}, clipSet([...ids(30, 1000), ...ids(50)], 10)))
    const splitOf = new Map(after.clips.map((c) => [c.id, c.split]))
    for (const c of before.clips) expect(splitOf.get(c.id)).toBe(c.split)
  })

  it("puts all segments of one recording in the same split (group = recording)", async () => {
    expect(recordingOf("take3#12")).toBe("take3")
    expect(recordingOf("real/a~2#3")).toBe("real/a")
    const segIds = ids(30).flatMap((id) => [0, 1, 2, 3].map((n) => `${id}#${n}`))
    const set = decodeAudioSet(await run({}, clipSet(segIds, 10)))
    const byRec = new Map<string, Set<string>>()
    for (const c of set.clips) byRec.set(recordingOf(c.id), (byRec.get(recordingOf(c.id)) ?? new Set()).add(c.split!))
    for (const splits of byRec.values()) expect(splits.size).toBe(1)
  })

  it("by = source keeps the source's split and hashes the rest", async () => {
    const input = clipSet(["a", "b", "c"], 10, (id) => (id === "c" ? {} : { split: id === "a" ? "test" : "val" }))
    const ctx = testContext("split", 1)
    const set = decodeAudioSet(await runStage(datasetSplit, stageParams(datasetSplit, { by: "source" }), { audio: input }, ctx))
    expect(set.clips[0]!.split).toBe("test")
    expect(set.clips[1]!.split).toBe("val")
    expect(["train", "val", "test"]).toContain(set.clips[2]!.split)
    expect(ctx.reports[0]).toMatchObject({ hashed: 1 })
  })

  it("works on pairs, is deterministic, and the seed changes the assignment", async () => {
    const pairs = pairSet(ids(40), 10)
    const a = await run({}, pairs, 3)
    expect(sameFiles(a.files, (await run({}, pairs, 3)).files)).toBe(true)
    const splits = (artifact: any) => decodePairedAudioSet(artifact).pairs.map((p) => p.split).join()
    expect(splits(a)).not.toBe(splits(await run({}, pairs, 4)))
  })

  it("rejects fractions that do not sum to 1", async () => {
    await expect(run({ train: 0.5, val: 0.2, test: 0.2 }, clipSet(ids(3), 10))).rejects.toThrow(/train \+ val \+ test must be 1/)
  })
})

import { describe, expect, it } from "vitest"
import { decodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { datasetSegment, windowStarts } from "../../src/stages/dataset-segment.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { clipSet, pairSet } from "./dataset-fixtures.js"
import { sameFiles, stageParams } from "./stage-params.js"

const run = (params: Record<string, unknown>, input: any) =>
  runStage(datasetSegment, stageParams(datasetSegment, params), { audio: input }, testContext("seg", 1))

describe("windowStarts", () => {
  it("places windows after the warm-up and drops or pads the tail", () => {
    expect(windowStarts(10, 4, 4, 0, false)).toEqual([0, 4])
    expect(windowStarts(10, 4, 4, 0, true)).toEqual([0, 4, 8])
    expect(windowStarts(10, 4, 2, 2, false)).toEqual([0, 2, 4]) // windows [2,6) [4,8) [6,10) with 2 samples of context
    expect(windowStarts(3, 4, 4, 0, false)).toEqual([])
  })
})

describe("dataset.segment", () => {
  it("cuts pairs into warmup + length windows, input and target identically, ids <id>#<n>, labels kept", async () => {
    const input = pairSet(["long"], 1000)
    const set = decodePairedAudioSet(await run({ length: 300, hop: 200, warmup: 50, unit: "samples" }, input))
    // windows start at 50, 250, 450, 650 (650 + 300 <= 1000; 850 + 300 > 1000)
    expect(set.pairs.map((p) => p.id)).toEqual(["long#0", "long#1", "long#2", "long#3"])
    const whole = decodePairedAudioSet(input).pairs[0]!
    set.pairs.forEach((p, n) => {
      const from = n * 200
      expect(p.input.channels[0]).toEqual(whole.input.channels[0]!.slice(from, from + 350))
      expect(p.target.channels[0]).toEqual(whole.target.channels[0]!.slice(from, from + 350))
      expect(p.labels).toEqual({ k: 0 })
    })
  })

  it("takes seconds by default and pads the last window when asked", async () => {
    // 100 samples at 8 kHz = 12.5 ms; windows of 5 ms = 40 samples
    const input = clipSet(["a", "b"], 100, () => ({ split: "val" }))
    const dropped = decodeAudioSet(await run({ length: 0.005 }, input))
    expect(dropped.clips.map((c) => c.id)).toEqual(["a#0", "a#1", "b#0", "b#1"])
    expect(dropped.clips.every((c) => c.split === "val" && c.audio.channels[0]!.length === 40)).toBe(true)
    const padded = decodeAudioSet(await run({ length: 0.005, pad_last: true }, input))
    expect(padded.clips.length).toBe(6)
    const last = padded.clips[2]!.audio.channels[0]!
    expect(Array.from(last.slice(20))).toEqual(new Array(20).fill(0))
  })

  it("drops items shorter than a window (listed in the report) and is deterministic", async () => {
    const input = clipSet(["x"], 30)
    await expect(run({ length: 40, unit: "samples" }, input)).rejects.toThrow(/no item is long enough/)
    const a = await run({ length: 0.002 }, clipSet(["x", "y"], 60))
    const b = await run({ length: 0.002 }, clipSet(["x", "y"], 60))
    expect(sameFiles(a.files, b.files)).toBe(true)
  })
})

import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import type { Signal } from "../../src/dsp/signal.js"
import { readJsonFile } from "../../src/engine/artifact.js"
import { decodeAudioSet, encodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { decodePairedAudioSet, encodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { datasetValidate } from "../../src/stages/dataset-validate.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { stageParams } from "./stage-params.js"

const RATE = 8000
const sig = (f: (i: number) => number, n = 800, rate = RATE): Signal => ({ sampleRate: rate, channels: [Float32Array.from({ length: n }, (_, i) => f(i))] })
const good = () => sig((i) => 0.5 * Math.sin(i / 5))

/** One clip per failure kind, plus a good one. */
const clips = {
  good: good(),
  nan: sig((i) => (i === 10 ? NaN : 0.5 * Math.sin(i / 5))),
  hot: sig((i) => 1.5 * Math.sin(i / 5)),
  clipped: sig((i) => Math.max(-1, Math.min(1, 3 * Math.sin((2 * Math.PI * i) / 100)))),
  silent: sig((i) => 1e-5 * Math.sin(i)),
  dc: sig((i) => 0.2 + 0.3 * Math.sin(i / 5)),
  rate: sig((i) => 0.5 * Math.sin(i / 5), 800, 16000)
}
const input = encodeAudioSet({ clips: Object.entries(clips).map(([id, audio]) => ({ id, audio, labels: { gain: id === "good" ? 3 : 1 } })) })

const run = async (params: Record<string, unknown>, artifact = input) => {
  const ctx = testContext("validate", 1)
  const out = await runStage(datasetValidate, stageParams(datasetValidate, { sample_rate: RATE, ...params }), { audio: artifact }, ctx)
  return { out, report: ctx.reports[0] as any, ctx }
}

describe("dataset.validate", () => {
  it("flags each planted problem with the right check and passes the good clip", async () => {
    const { report } = await run({ on_fail: "warn" })
    const checksOf = (id: string) => report.items.find((i: any) => i.id === id).failures.map((f: any) => f.check)
    expect(checksOf("good")).toEqual([])
    expect(checksOf("nan")).toEqual(["finite"])
    expect(checksOf("hot")).toEqual(["peak"])
    expect(checksOf("clipped")).toEqual(["clipping"])
    expect(checksOf("silent")).toEqual(["silence"])
    expect(checksOf("dc")).toEqual(["dc"])
    expect(checksOf("rate")).toEqual(["sample_rate"])
    expect(report).toMatchObject({ total: 7, failed: 6 })
  })

  it("reports a sha256 per clip equal to the stored WAV's", async () => {
    const { report } = await run({ on_fail: "warn" })
    const meta = readJsonFile<{ clips: Array<{ id: string; file: string }> }>(input, "meta.json")
    for (const m of meta.clips) {
      const expected = createHash("sha256").update(input.files.get(m.file)!).digest("hex")
      expect(report.items.find((i: any) => i.id === m.id).sha256).toEqual({ audio: expected })
    }
  })

  it("on_fail: error stops naming the clips, drop leaves them out, warn keeps the input as is", async () => {
    await expect(run({})).rejects.toThrow(/6 of 7 item\(s\) failed[\s\S]*nan: audio has 1 NaN\/Inf sample/)
    const dropped = decodeAudioSet((await run({ on_fail: "drop" })).out)
    expect(dropped.clips.map((c) => c.id)).toEqual(["good"])
    const warned = await run({ on_fail: "warn" })
    expect(warned.out).toBe(input)
    expect(warned.ctx.warnings.length).toBe(1)
  })

  it("checks applied-effect labels against the effect's schema range, not normalised ones", async () => {
    const labelled = encodeAudioSet({
      clips: [
        { id: "in-range", audio: good(), labels: { "fx.0.distortion.tanh.drive_db": 12, "fx_norm.0.distortion.tanh.drive_db": 0.2 } },
        { id: "too-hot", audio: good(), labels: { "fx.0.distortion.tanh.drive_db": 75 } },
        { id: "not-an-effect", audio: good(), labels: { "fx.0.nothing.here": 1e9 } }
      ]
    })
    const { report } = await run({ on_fail: "warn", checks: ["bounds"] }, labelled)
    const failuresOf = (id: string) => report.items.find((i: any) => i.id === id).failures
    expect(failuresOf("in-range")).toEqual([])
    expect(failuresOf("not-an-effect")).toEqual([])
    expect(failuresOf("too-hot")).toEqual([{ check: "bounds", detail: "label fx.0.distortion.tanh.drive_db = 75 outside the effect's range [0, 60]" }])
    const off = await run({ on_fail: "warn", checks: ["bounds"], schema_bounds: false }, labelled)
    expect(off.report.items.every((i: any) => i.failures.length === 0)).toBe(true)
  })

  it("runs only the listed checks and checks label bounds", async () => {
    const { report } = await run({ on_fail: "warn", checks: ["bounds"], bounds: { gain: [0, 2] } })
    expect(report.failed).toBe(1)
    expect(report.items[0].failures).toEqual([{ check: "bounds", detail: "label gain = 3 outside [0, 2]" }])
  })

  it("checks pairs: length and sample-rate mismatch between input and target, one sha256 each", async () => {
    const pairs = encodePairedAudioSet({
      pairs: [
        { id: "ok", input: good(), target: good(), labels: {} },
        { id: "short", input: good(), target: sig((i) => 0.4 * Math.sin(i / 5), 700), labels: {} },
        { id: "rates", input: good(), target: sig((i) => 0.4 * Math.sin(i / 5), 800, 16000), labels: {} }
      ]
    })
    const { out, report } = await run({ on_fail: "drop" }, pairs)
    expect(decodePairedAudioSet(out).pairs.map((p) => p.id)).toEqual(["ok"])
    expect(report.items[1].failures).toEqual([{ check: "length", detail: "input has 800 samples, target 700" }])
    expect(report.items[2].failures.map((f: any) => f.check)).toEqual(["sample_rate", "sample_rate"])
    expect(Object.keys(report.items[0].sha256)).toEqual(["input", "target"])
  })
})

import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { exportModel } from "../../src/cli/commands/export.js"
import { UserError } from "../../src/cli/user-error.js"
import { loadModel } from "../../src/ml/stream/processor.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { trainStage } from "../../src/stages/train.js"
import { audioml, tempDir } from "../helpers/cli.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { tinyPairs } from "../stages/ml-fixtures.js"
import { stageParams } from "../stages/stage-params.js"

const previous = process.env["AUDIOML_BACKEND"]
beforeAll(() => {
  process.env["AUDIOML_BACKEND"] = "cpu"
})
afterAll(() => {
  if (previous === undefined) delete process.env["AUDIOML_BACKEND"]
  else process.env["AUDIOML_BACKEND"] = previous
})

const script = join(import.meta.dirname, "../fixtures/formats/nam_fixtures.py")
const rtneuralScript = join(import.meta.dirname, "../fixtures/formats/rtneural_fixtures.py")
const hasNumpy = spawnSync("python3", ["-c", "import numpy"]).status === 0

/** A tiny trained conditioned model.rnn (an LSTM unless `model` says; skip as given) written as a run folder. */
const tinyRun = async (skip: boolean, model: Record<string, unknown> = {}) => {
  const data = tinyPairs()
  const artifact = await runStage(
    trainStage,
    stageParams(trainStage, {
      model: { uses: "model.rnn", hidden: 5, layers: 2, skip, condition: ["drive"], ...model },
      labels: { drive: { from: "drive_db", range: [0, 12] } },
      epochs: 1,
      segment: 600,
      tbptt: { warmup: 100, update_every: 250 }
    }),
    { dataset: data },
    testContext("fx", 7)
  )
  const run = tempDir("audioml-export-")
  mkdirSync(join(run, "fx"))
  for (const [name, bytes] of artifact.files) writeFileSync(join(run, "fx", name), bytes)
  writeFileSync(join(run, "manifest.json"), JSON.stringify({ nodes: [{ id: "data", kind: "PairedAudioSet" }, { id: "fx", kind: "Model" }] }))
  return { run, input: decodePairedAudioSet(data).pairs[0]!.input.channels[0]! }
}

describe("audioml export --format nam", () => {
  it("a trained LSTM reloads as .nam through loadModel and the numpy reader with the model folder's output (1e-5)", async (ctx) => {
    const { run, input } = await tinyRun(false)
    const file = join(run, "fx.nam")
    expect(exportModel({ model: run, format: "nam", out: file })).toMatch(/NAM LSTM 2×5, 1 extra input/)
    const doc = JSON.parse(readFileSync(file, "utf8")) as { architecture: string; sample_rate: number; metadata: { training_esr: number } }
    expect(doc.architecture).toBe("LSTM")
    expect(doc.sample_rate).toBe(16000)
    expect(Number.isFinite(doc.metadata.training_esr)).toBe(true)
    // The streaming processor on the run folder (label units) and on the .nam (normalised input).
    const fromRun = await loadModel(run)
    expect(fromRun.params).toEqual(["drive"])
    const a = new Float32Array(input.length)
    fromRun.process(input, a, { drive: 9 })
    const fromNam = await loadModel(file)
    const b = new Float32Array(input.length)
    fromNam.process(input, b, { input1: 0.75 })
    let maxErr = 0
    for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i]! - b[i]!))
    expect(maxErr).toBeLessThan(1e-5)
    if (!hasNumpy) return ctx.skip("python3 with numpy is not installed: the numpy reader half is skipped")
    writeFileSync(join(run, "in.json"), JSON.stringify({ input: Array.from(input), knobs: [0.75] }))
    execFileSync("python3", [script, "run", file, join(run, "in.json"), join(run, "out.json")])
    const numpy = (JSON.parse(readFileSync(join(run, "out.json"), "utf8")) as { output: number[] }).output
    maxErr = 0
    for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i]! - numpy[i]!))
    expect(maxErr).toBeLessThan(1e-5)
  })

  it("refuses a skip model, another format, and writes nothing", async () => {
    const { run } = await tinyRun(true)
    const out = join(run, "x.nam")
    const skip = (() => {
      try {
        return exportModel({ model: run, format: "nam", out })
      } catch (e) {
        return e
      }
    })()
    expect(skip).toBeInstanceOf(UserError)
    expect((skip as UserError).exitCode).toBe(2)
    expect((skip as UserError).message).toMatch(/skip = true .* NAM's LSTM cannot express/)
    expect(() => exportModel({ model: run, format: "onnx", out })).toThrow(/--format onnx/)
    expect(existsSync(out)).toBe(false)
  })
})

describe("audioml export --format rtneural", () => {
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let m = 0
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
    return m
  }
  for (const [cell, model, skip, label] of [
    ["LSTM", {}, true, "skip"],
    ["GRU", { cell: "gru" }, false, "no skip"]
  ] as const) {
    it(`a trained conditioned ${cell} (${label}) reloads through loadModel and the numpy reader with the model folder's output (1e-5)`, async (ctx) => {
      const { run, input } = await tinyRun(skip, model)
      const file = join(run, "fx.json")
      const line = exportModel({ model: run, format: "rtneural", out: file })
      expect(line).toMatch(new RegExp(`RTNeural ${cell} 2×5, 1 extra input`))
      expect(line.includes("audioml.skip")).toBe(skip)
      const doc = JSON.parse(readFileSync(file, "utf8")) as { in_shape: unknown[]; layers: Array<{ type: string; weights: unknown[][] }>; audioml: { skip: boolean; sample_rate: number } }
      expect(doc.in_shape).toEqual([null, null, 2])
      expect(doc.layers.map((l) => l.type)).toEqual([cell.toLowerCase(), cell.toLowerCase(), "dense"])
      // Keras layouts: kernel [I][G], recurrent [H][G], GRU bias [2][3H] (reset-after), LSTM bias [4H].
      expect([doc.layers[0]!.weights[0]!.length, (doc.layers[0]!.weights[0]![0] as number[]).length]).toEqual([2, (cell === "LSTM" ? 4 : 3) * 5])
      expect(doc.layers[0]!.weights[2]!.length).toBe(cell === "LSTM" ? 20 : 2)
      expect(doc.audioml).toMatchObject({ skip, sample_rate: 16000 })
      const fromRun = await loadModel(run)
      const a = new Float32Array(input.length)
      fromRun.process(input, a, { drive: 9 })
      // A model folder's own model.json (tfjs) means the folder, not an RTNeural file.
      const viaModelJson = await loadModel(join(run, "fx", "model.json"))
      expect(viaModelJson.summary).toBe(fromRun.summary)
      const fromFile = await loadModel(file)
      expect(fromFile.params).toEqual(["drive"])
      expect(fromFile.sampleRate).toBe(16000)
      const b = new Float32Array(input.length)
      fromFile.process(input, b, { drive: 9 })
      expect(maxDiff(a, b)).toBeLessThan(1e-5)
      if (!hasNumpy) return ctx.skip("python3 with numpy is not installed: the numpy reader half is skipped")
      writeFileSync(join(run, "in.json"), JSON.stringify({ input: Array.from(input), knobs: [0.75] }))
      execFileSync("python3", [rtneuralScript, "run", file, join(run, "in.json"), join(run, "out.json")])
      const numpy = (JSON.parse(readFileSync(join(run, "out.json"), "utf8")) as { output: number[] }).output
      expect(maxDiff(a, numpy)).toBeLessThan(1e-5)
    })
  }

  it("refuses a reset-before GRU (exit 2 from the built CLI) and writes nothing", async () => {
    const { run } = await tinyRun(true, { cell: "gru", gru_cell: "reset_before" })
    const out = join(run, "x.json")
    const r = audioml(["export", "--model", run, "--format", "rtneural", "--out", out], run)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/reset-before cell .* RTNeural's GRU is the reset-after cell; retrain with gru_cell = "reset_after"/)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(existsSync(out)).toBe(false)
  })

  for (const [params, error, summary] of [
    [{ output: "gain" }, /output = "gain" \(x·exp\(g\) \+ r\) has no (RTNeural JSON|\.nam) equivalent/, /gain head/],
    [{ mu_law: 255 }, /μ-law input channel \(mu_law = 255\) has no (RTNeural JSON|\.nam) equivalent/, /μ-law input \(μ 255\)/]
  ] as const) {
  it(`refuses a model.rnn with ${JSON.stringify(params)} in both formats, and writes nothing; audioml stream's loader runs it`, async () => {
    const { run, input } = await tinyRun(true, params)
    for (const format of ["rtneural", "nam"]) {
      const out = join(run, `x.${format}`)
      expect(() => exportModel({ model: run, format, out })).toThrow(error)
      expect(existsSync(out)).toBe(false)
    }
    const model = await loadModel(run)
    expect(model.summary).toMatch(summary)
    const y = new Float32Array(input.length)
    model.process(input, y, { drive: 9 })
    expect(y.every(Number.isFinite)).toBe(true)
  })
  }
})


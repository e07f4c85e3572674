import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { decodeWav, encodeWav } from "../../src/audio/wav.js"
import { processFile } from "../../src/cli/commands/process.js"
import { UserError } from "../../src/cli/user-error.js"
import { decodeModelArtifact } from "../../src/stages/artifacts/model-artifact.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { loadPredictor } from "../../src/ml/predictor.js"
import { trainStage } from "../../src/stages/train.js"
import { tempDir } from "../helpers/cli.js"
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

/** A tiny trained conditioned LSTM written as a run folder: runs/x/<id>/fx/{model.json, weights.bin, model-meta.json}. */
const tinyRun = async () => {
  const data = tinyPairs()
  const artifact = await runStage(
    trainStage,
    stageParams(trainStage, {
      model: { uses: "model.rnn", hidden: 4, condition: ["drive", "mode"] },
      labels: { drive: { from: "drive_db", range: [0, 12] }, mode: { map: { soft: 0, hard: 1 } } },
      epochs: 1,
      segment: 600,
      tbptt: { warmup: 100, update_every: 250 }
    }),
    { dataset: data },
    testContext("fx", 6)
  )
  const run = tempDir("audioml-process-")
  mkdirSync(join(run, "fx"))
  for (const [name, bytes] of artifact.files) writeFileSync(join(run, "fx", name), bytes)
  writeFileSync(join(run, "manifest.json"), JSON.stringify({ nodes: [{ id: "data", kind: "PairedAudioSet" }, { id: "fx", kind: "Model" }] }))
  const input = decodePairedAudioSet(data).pairs[0]!.input
  writeFileSync(join(run, "in.wav"), encodeWav(input))
  return { run, artifact, input }
}

describe("audioml process", () => {
  it("applies the model found in a run folder with the given conditioning, as evaluate's predictor does", async () => {
    const { run, artifact, input } = await tinyRun()
    const out = join(run, "out.wav")
    const result = await processFile({ model: run, input: join(run, "in.wav"), output: out, params: ["drive=6", "mode=hard"] })
    expect(result.modelDir).toBe(join(run, "fx"))
    expect(result.condition).toEqual({ drive: 6, mode: "hard" })
    expect(result.engine).toBe("wasm-simd LSTM kernel")
    const written = decodeWav(readFileSync(out))
    expect(written.sampleRate).toBe(16000)
    const predictor = await loadPredictor(decodeModelArtifact(artifact))
    // drive 6 of [0, 12] → 0.5; hard → 1 of [0, 1]
    const expected = predictor.processAudio(input.channels[0]!, Float32Array.from([0.5, 1]))
    expect(Array.from(written.channels[0]!)).toEqual(Array.from(expected))
    // the model folder itself works too, and other conditioning changes the output
    const out2 = join(run, "out2.wav")
    await processFile({ model: join(run, "fx"), input: join(run, "in.wav"), output: out2, params: ["drive=0", "mode=0"] })
    expect(Array.from(decodeWav(readFileSync(out2)).channels[0]!)).not.toEqual(Array.from(expected))
    // the folder's model.json names the folder (not an RTNeural .json)
    const out3 = join(run, "out3.wav")
    const viaJson = await processFile({ model: join(run, "fx", "model.json"), input: join(run, "in.wav"), output: out3, params: ["drive=6", "mode=hard"] })
    expect(viaJson.modelDir).toBe(join(run, "fx"))
    expect(Array.from(decodeWav(readFileSync(out3)).channels[0]!)).toEqual(Array.from(expected))
  })

  it("a missing --param is a UserError (exit 2) naming the required labels and their ranges", async () => {
    const { run } = await tinyRun()
    const err = await processFile({ model: run, input: join(run, "in.wav"), output: join(run, "o.wav"), params: ["drive=3"] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as UserError).exitCode).toBe(2)
    expect((err as UserError).message).toMatch(/missing --param for mode \(0 to 1; or soft \/ hard\): the model is conditioned on drive, mode/)
    const unknown = await processFile({ model: run, input: join(run, "in.wav"), output: join(run, "o.wav"), params: ["drive=3", "mode=0", "tone=1"] }).catch((e: unknown) => e)
    expect((unknown as UserError).message).toMatch(/no conditioning label "tone" \(it takes drive \(0 to 12\), mode/)
    const notRun = await processFile({ model: tempDir(), input: join(run, "in.wav"), output: join(run, "o.wav") }).catch((e: unknown) => e)
    expect((notRun as UserError).message).toMatch(/neither a model folder .* nor a run folder/)
    const noFile = await processFile({ model: run, input: join(run, "nope.wav"), output: join(run, "o.wav"), params: ["drive=3", "mode=0"] }).catch((e: unknown) => e)
    expect((noFile as UserError).message).toMatch(/nope.wav: file not found/)
  })
})

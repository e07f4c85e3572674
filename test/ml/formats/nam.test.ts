import { execFileSync, spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeWav, encodeWav } from "../../../src/audio/wav.js"
import { processFile } from "../../../src/cli/commands/process.js"
import { UserError } from "../../../src/cli/user-error.js"
import { Rng } from "../../../src/params/rng.js"
import { loadBackend } from "../../../src/ml/backend.js"
import { namFromRnnWeights, NamFormatError, parseNam } from "../../../src/ml/formats/nam.js"
import { rnnWeightsFrom } from "../../../src/ml/kernels/weights.js"
import { buildModel } from "../../../src/ml/models/index.js"
import { rnnLayersModel } from "../../../src/ml/models/rnn.js"
import { loadModel } from "../../../src/ml/stream/processor.js"
import { audioml, tempDir } from "../../helpers/cli.js"
import { maxAbsDiff, withKernelsAsync } from "../../helpers/kernels.js"

const fixtures = join(import.meta.dirname, "../../fixtures/formats")
const script = join(fixtures, "nam_fixtures.py")
const hasNumpy = spawnSync("python3", ["-c", "import numpy"]).status === 0

describe(".nam LSTM files (fixtures written byte by byte by nam_fixtures.py, outputs from its numpy reader)", () => {
  for (const stem of ["lstm-2x3", "lstm-knob-5"]) {
    for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
      it(`${stem} through loadModel (${engine}) equals the numpy reader to 1e-5, in 64-sample blocks`, async () => {
        const expected = JSON.parse(readFileSync(join(fixtures, `${stem}.expected.json`), "utf8")) as { input: number[]; knobs: number[]; output: number[] }
        const fx = await withKernelsAsync(preference, () => loadModel(join(fixtures, `${stem}.nam`)))
        expect(fx.engine).toBe(engine)
        expect(fx.sampleRate).toBe(48000)
        expect(fx.latencySamples).toBe(0)
        const params = Object.fromEntries(expected.knobs.map((v, i) => [`input${i + 1}`, v]))
        expect(fx.params).toEqual(Object.keys(params))
        const input = Float32Array.from(expected.input)
        const output = new Float32Array(input.length)
        for (let at = 0; at < input.length; at += 64) fx.process(input.subarray(at, at + 64), output.subarray(at, at + 64), params)
        expect(maxAbsDiff(output, expected.output)).toBeLessThan(1e-5)
        // reset() returns to the file's initial state: the same output again.
        fx.reset()
        const again = new Float32Array(input.length)
        fx.process(input, again, params)
        expect(maxAbsDiff(again, expected.output)).toBeLessThan(1e-5)
      })
    }
  }

  for (const [preference, engine] of [["auto", "wasm-simd"], ["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
    it(`wavenet-small (two layer arrays, the second gated) through loadModel (AUDIOML_KERNELS=${preference}: ${engine}) equals the numpy reader to 1e-5`, async () => {
      const expected = JSON.parse(readFileSync(join(fixtures, "wavenet-small.expected.json"), "utf8")) as { input: number[]; output: number[] }
      const fx = await withKernelsAsync(preference, () => loadModel(join(fixtures, "wavenet-small.nam")))
      expect(fx.engine).toBe(engine)
      expect(fx.summary).toContain("NAM WaveNet 3×4 + 2×3 (receptive field 23 samples")
      expect(fx.latencySamples).toBe(0)
      const input = Float32Array.from(expected.input)
      const output = new Float32Array(input.length)
      for (let at = 0; at < input.length; at += 37) fx.process(input.subarray(at, at + 37), output.subarray(at, at + 37))
      expect(maxAbsDiff(output, expected.output)).toBeLessThan(1e-5)
      fx.reset()
      const again = new Float32Array(input.length)
      fx.process(input, again)
      expect(maxAbsDiff(again, expected.output)).toBeLessThan(1e-5)
    })
  }

  for (const [stem, what] of [["lstm-2x3", "NAM LSTM 2×3"], ["wavenet-small", "NAM WaveNet"]] as const) {
    it(`audioml process --model ${stem}.nam writes the numpy reader's output`, async () => {
      const expected = JSON.parse(readFileSync(join(fixtures, `${stem}.expected.json`), "utf8")) as { input: number[]; output: number[] }
      const dir = tempDir("audioml-nam-")
      writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 48000, channels: [Float32Array.from(expected.input)] }))
      const result = await processFile({ model: join(fixtures, `${stem}.nam`), input: join(dir, "in.wav"), output: join(dir, "out.wav") })
      expect(result.summary).toContain(what)
      const out = decodeWav(readFileSync(join(dir, "out.wav")))
      expect(maxAbsDiff(out.channels[0]!, expected.output)).toBeLessThan(1e-5)
    })
  }

  it("refuses a sample-rate mismatch, in process and in loadModel", async () => {
    const dir = tempDir("audioml-nam-")
    writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 44100, channels: [new Float32Array(100)] }))
    const run = processFile({ model: join(fixtures, "lstm-2x3.nam"), input: join(dir, "in.wav"), output: join(dir, "out.wav") })
    await expect(run).rejects.toThrow(/44100 Hz but .*lstm-2x3\.nam was captured at 48000 Hz/)
    await expect(run).rejects.toBeInstanceOf(UserError)
    await expect(loadModel(join(fixtures, "lstm-2x3.nam"), { sampleRate: 44100 })).rejects.toThrow(/runs at 48000 Hz, the host at 44100 Hz/)
  })

  it("bad files: truncated, unknown architecture, wrong weight count; and a missing knob", async () => {
    const text = readFileSync(join(fixtures, "lstm-2x3.nam"), "utf8")
    expect(() => parseNam(text.slice(0, text.length / 2), "cut.nam")).toThrow(/cut\.nam: not valid JSON .*truncated/)
    expect(() => parseNam(text.replace('"LSTM"', '"Transformer"'), "odd.nam")).toThrow(/odd\.nam: architecture "Transformer" is not supported/)
    const wavenet = readFileSync(join(fixtures, "wavenet-small.nam"), "utf8")
    expect(() => parseNam(wavenet.replace('"kernel_size": 3', '"kernel_size": 0'), "k.nam")).toThrow(/k\.nam: config\.layers\[0\]\.kernel_size must be an integer from 1/)
    const wdoc = JSON.parse(wavenet) as { weights: number[] }
    wdoc.weights.splice(10, 1)
    expect(() => parseNam(JSON.stringify(wdoc), "w.nam")).toThrow(/w\.nam: has \d+ weights, but a WaveNet with this config has \d+/)
    const doc = JSON.parse(text) as { weights: number[] }
    doc.weights.pop()
    expect(() => parseNam(JSON.stringify(doc), "short.nam")).toThrow(NamFormatError)
    expect(() => parseNam(JSON.stringify(doc), "short.nam")).toThrow(/short\.nam: has 159 weights, but an LSTM .* has 160/)
    const dir = tempDir("audioml-nam-")
    writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 48000, channels: [new Float32Array(10)] }))
    writeFileSync(join(dir, "cut.nam"), text.slice(0, 200))
    await expect(processFile({ model: join(dir, "cut.nam"), input: join(dir, "in.wav"), output: join(dir, "out.wav") })).rejects.toThrow(/cut\.nam: not valid JSON/)
    await expect(processFile({ model: join(fixtures, "lstm-knob-5.nam"), input: join(dir, "in.wav"), output: join(dir, "out.wav") })).rejects.toThrow(/missing --param input1=<number>/)
  })

  it("the built audioml CLI exits 2 with the message on a truncated .nam", () => {
    const dir = tempDir("audioml-nam-")
    writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 48000, channels: [new Float32Array(10)] }))
    writeFileSync(join(dir, "cut.nam"), readFileSync(join(fixtures, "lstm-2x3.nam"), "utf8").slice(0, 200))
    const r = audioml(["process", "--model", join(dir, "cut.nam"), join(dir, "in.wav"), join(dir, "out.wav")], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/cut\.nam: not valid JSON/)
  })
})

describe("export of a model.rnn LSTM as .nam", () => {
  it("reloads through loadModel and the independent numpy reader with tfjs's output (1e-5)", async (ctx) => {
    const { tf } = await loadBackend("cpu")
    const hidden = 6
    const model = buildModel(tf, { uses: "model.rnn", params: { cell: "lstm", hidden, layers: 2, skip: false, condition: ["drive"] }, inputSize: 2, seed: 9 })
    const rng = new Rng(21)
    for (const v of model.variables.values()) {
      const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-0.5, 0.5)), v.shape)
      v.assign(t)
      t.dispose()
    }
    const named = new Map([...model.variables].map(([name, v]) => [name, v.dataSync() as Float32Array]))
    const weights = rnnWeightsFrom(named, { hidden, layers: 2, skip: false }, 2)
    const doc = namFromRnnWeights(weights, "lstm", 48000, { name: "test capture", training_esr: 0.01 }, "test model")
    const dir = tempDir("audioml-nam-export-")
    const file = join(dir, "exported.nam")
    writeFileSync(file, JSON.stringify(doc))
    const n = 500
    const dry = Float32Array.from({ length: n }, (_, t) => 0.7 * Math.sin(t / 7) + rng.uniform(-0.1, 0.1))
    const knob = 0.35
    const x = new Float32Array(2 * n)
    for (let t = 0; t < n; t++) {
      x[2 * t] = dry[t]!
      x[2 * t + 1] = knob
    }
    const reference = tf.tidy(() => (rnnLayersModel(model).predict(tf.tensor3d(x, [1, n, 2])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array)
    model.dispose()
    const fx = await loadModel(file)
    const ours = new Float32Array(n)
    fx.process(dry, ours, { input1: knob })
    expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-5)
    expect(() => namFromRnnWeights({ ...weights, skip: true }, "lstm", 48000, {}, "m")).toThrow(/skip = true/)
    if (!hasNumpy) return ctx.skip("python3 with numpy is not installed: the numpy reader half is skipped")
    writeFileSync(join(dir, "in.json"), JSON.stringify({ input: Array.from(dry), knobs: [knob] }))
    execFileSync("python3", [script, "run", file, join(dir, "in.json"), join(dir, "out.json")])
    const numpy = (JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as { output: number[] }).output
    expect(maxAbsDiff(numpy, reference)).toBeLessThan(1e-5)
  })
})

import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeWav, encodeWav } from "../../../src/audio/wav.js"
import { processFile } from "../../../src/cli/commands/process.js"
import { UserError } from "../../../src/cli/user-error.js"
import { parseRtneural, RtneuralFormatError } from "../../../src/ml/formats/rtneural.js"
import { loadModel } from "../../../src/ml/stream/processor.js"
import { audioml, tempDir } from "../../helpers/cli.js"
import { maxAbsDiff, withKernelsAsync } from "../../helpers/kernels.js"

const fixtures = join(import.meta.dirname, "../../fixtures/formats")

type Expected = { input: number[]; knobs: number[]; output: number[] }
const expected = (stem: string): Expected => JSON.parse(readFileSync(join(fixtures, `${stem}.expected.json`), "utf8")) as Expected

describe("RTNeural JSON files (fixtures written field by field by rtneural_fixtures.py, outputs from its numpy reader)", () => {
  // rtneural-gru-2x5: as RTNeural's save_model writes a Keras model (no audioml key): inputs input1...;
  // rtneural-lstm-knob-3: as audioml writes one: audioml.skip, the rate and a label with its range.
  const cases = [
    { stem: "rtneural-gru-2x5", summary: "RTNeural GRU 2×5", params: {}, rate: undefined },
    { stem: "rtneural-lstm-knob-3", summary: "RTNeural LSTM 1×3, skip (audioml.skip) (fixture)", params: { tone: 4 }, rate: 44100 }
  ] as const
  for (const { stem, summary, params, rate } of cases) {
    for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
      it(`${stem} through loadModel (${engine}) equals the numpy reader to 1e-5, in 64-sample blocks`, async () => {
        const e = expected(stem)
        const fx = await withKernelsAsync(preference, () => loadModel(join(fixtures, `${stem}.json`)))
        expect(fx.engine).toBe(engine)
        expect(fx.summary).toBe(summary)
        expect(fx.sampleRate).toBe(rate)
        expect(fx.params).toEqual(Object.keys(params))
        const input = Float32Array.from(e.input)
        const output = new Float32Array(input.length)
        for (let at = 0; at < input.length; at += 64) fx.process(input.subarray(at, at + 64), output.subarray(at, at + 64), params)
        expect(maxAbsDiff(output, e.output)).toBeLessThan(1e-5)
        fx.reset()
        const again = new Float32Array(input.length)
        fx.process(input, again, params)
        expect(maxAbsDiff(again, e.output)).toBeLessThan(1e-5)
      })
    }
  }

  it("audioml process --model rtneural-gru-2x5.json writes the numpy reader's output (the file has no rate: the WAV's is used)", async () => {
    const e = expected("rtneural-gru-2x5")
    const dir = tempDir("audioml-rtneural-")
    writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 44100, channels: [Float32Array.from(e.input)] }))
    const result = await processFile({ model: join(fixtures, "rtneural-gru-2x5.json"), input: join(dir, "in.wav"), output: join(dir, "out.wav") })
    expect(result.summary).toBe("RTNeural GRU 2×5")
    const out = decodeWav(readFileSync(join(dir, "out.wav")))
    expect(out.sampleRate).toBe(44100)
    expect(maxAbsDiff(out.channels[0]!, e.output)).toBeLessThan(1e-5)
  })

  it("audioml process with a file's label (--param tone=4) and its recorded rate (a mismatch refused)", async () => {
    const e = expected("rtneural-lstm-knob-3")
    const dir = tempDir("audioml-rtneural-")
    writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 44100, channels: [Float32Array.from(e.input)] }))
    const model = join(fixtures, "rtneural-lstm-knob-3.json")
    await processFile({ model, input: join(dir, "in.wav"), output: join(dir, "out.wav"), params: ["tone=4"] })
    expect(maxAbsDiff(decodeWav(readFileSync(join(dir, "out.wav"))).channels[0]!, e.output)).toBeLessThan(1e-5)
    await expect(processFile({ model, input: join(dir, "in.wav"), output: join(dir, "o2.wav") })).rejects.toThrow(/missing --param tone=<number>/)
    writeFileSync(join(dir, "in48.wav"), encodeWav({ sampleRate: 48000, channels: [new Float32Array(10)] }))
    const run = processFile({ model, input: join(dir, "in48.wav"), output: join(dir, "o3.wav"), params: ["tone=4"] })
    await expect(run).rejects.toThrow(/48000 Hz but .*rtneural-lstm-knob-3\.json was captured at 44100 Hz/)
    await expect(run).rejects.toBeInstanceOf(UserError)
  })

  it("bad files: truncated, unknown layer type, wrong weight shapes, unsupported structure", () => {
    const text = readFileSync(join(fixtures, "rtneural-gru-2x5.json"), "utf8")
    const doc = () => JSON.parse(text) as { in_shape: unknown[]; layers: Array<Record<string, unknown> & { weights: unknown[][] }> }
    const bad = (d: unknown) => () => parseRtneural(JSON.stringify(d), "m.json")
    expect(() => parseRtneural(text.slice(0, text.length / 2), "cut.json")).toThrow(/cut\.json: not valid JSON .*truncated/)
    expect(() => parseRtneural("{}", "e.json")).toThrow(/e\.json: not an RTNeural model \(expected a JSON object with "in_shape" and "layers"\)/)
    const conv = doc()
    conv.layers[0]!["type"] = "conv1d"
    expect(bad(conv)).toThrow(RtneuralFormatError)
    expect(bad(conv)).toThrow(/m\.json: layers\[0\]\.type "conv1d" is not supported .* layer types read: lstm, gru, dense, time-distributed-dense/)
    const shortRow = doc()
    ;(shortRow.layers[1]!.weights[1]![2] as number[]).pop()
    expect(bad(shortRow)).toThrow(/m\.json: layers\[1\]\.weights\[1\] \(recurrent kernel, \[5\]\[15\]\)\[2\] must be 15 numbers, has 14/)
    const flatBias = doc()
    flatBias.layers[0]!.weights[2] = new Array(15).fill(0)
    expect(bad(flatBias)).toThrow(/layers\[0\]\.weights\[2\] \(bias, \[2\]\[15\]: RTNeural's GRU is the reset-after cell\) must be 2 rows of 15 numbers, has 15 rows/)
    const wideInput = doc()
    wideInput.in_shape = [null, null, 2]
    expect(bad(wideInput)).toThrow(/layers\[0\]\.weights\[0\] \(kernel, \[2\]\[15\]\) must be 2 rows of 15 numbers, has 1 rows/)
    const nan = doc()
    ;(nan.layers[2]!.weights[0]![0] as unknown[])[0] = "x"
    expect(bad(nan)).toThrow(/layers\[2\]\.weights\[0\] \(kernel, \[5\]\[1\]\)\[0\]\[0\] is "x", not a finite number/)
    const tanhHead = doc()
    tanhHead.layers[2]!["activation"] = "tanh"
    expect(bad(tanhHead)).toThrow(/layers\[2\]\.activation "tanh" is not supported/)
    const noHead = doc()
    noHead.layers.pop()
    expect(bad(noHead)).toThrow(/no dense output layer after the gru layers/)
    const hiddenDense = doc()
    hiddenDense.layers.splice(2, 0, { type: "dense", activation: "sigmoid", shape: [null, null, 5], weights: [Array.from({ length: 5 }, () => new Array(5).fill(0)), new Array(5).fill(0)] })
    expect(bad(hiddenDense)).toThrow(/layers\[2\]: a dense layer that is not the last layer/)
    const stereo = doc()
    stereo.layers[2]!["shape"] = [null, null, 2]
    expect(bad(stereo)).toThrow(/layers\[2\]: the output layer has 2 outputs; audioml runs mono models/)
    expect(bad({ "gru.weight_ih_l0": [[0]], "gru.bias_ih_l0": [0] })).toThrow(/looks like a PyTorch state_dict as JSON \(RTNeural's torch_helpers format/)
    const mixed = doc()
    mixed.layers[1]!["type"] = "lstm"
    expect(bad(mixed)).toThrow(/layers\[1\]: a lstm layer after gru layers/)
  })

  it("the built audioml CLI exits 2 with the message on a truncated or unsupported RTNeural file", () => {
    const dir = tempDir("audioml-rtneural-")
    writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 48000, channels: [new Float32Array(10)] }))
    const text = readFileSync(join(fixtures, "rtneural-gru-2x5.json"), "utf8")
    writeFileSync(join(dir, "cut.json"), text.slice(0, 300))
    writeFileSync(join(dir, "conv.json"), text.replace('"type": "gru"', '"type": "conv1d"'))
    for (const [file, message] of [["cut.json", /cut\.json: not valid JSON/], ["conv.json", /conv\.json: layers\[0\]\.type "conv1d" is not supported/]] as const) {
      const r = audioml(["process", "--model", join(dir, file), join(dir, "in.wav"), join(dir, "out.wav")], dir)
      expect(r.status, file).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    }
  })
})

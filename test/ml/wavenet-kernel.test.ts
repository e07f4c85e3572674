import { describe, expect, it } from "vitest"
import { namWaveNetKernelFor } from "../../src/ml/kernels/index.js"
import { type NamActivation, type NamWaveNetArray, type NamWaveNetWeights, NamWaveNetKernel } from "../../src/ml/kernels/nam-wavenet.js"
import { Rng } from "../../src/params/rng.js"
import { maxAbsDiff, withKernels } from "../helpers/kernels.js"

interface ArrayShape {
  readonly inputSize: number
  readonly channels: number
  readonly headSize: number
  readonly kernelSize: number
  readonly dilations: ReadonlyArray<number>
  readonly activation: NamActivation
  readonly gated: boolean
  readonly headBias: boolean
}

/** Random weights, uniform in ±scale, for a chain of layer arrays conditioned on the audio and `conditionSize` − 1 extra values. */
const randomWaveNet = (shapes: ReadonlyArray<ArrayShape>, seed: number, scale: number, headScale: number, conditionSize = 1, zeroHistory = false): NamWaveNetWeights => {
  const rng = new Rng(seed)
  const u = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-scale, scale))
  const arrays = shapes.map((s): NamWaveNetArray => {
    const mid = (s.gated ? 2 : 1) * s.channels
    return {
      ...s,
      conditionSize,
      rechannel: u(s.channels * s.inputSize),
      layers: s.dilations.map(() => ({ conv: u(mid * s.channels * s.kernelSize), convBias: u(mid), mixer: u(mid * conditionSize), oneByOne: u(s.channels * s.channels), oneByOneBias: u(s.channels) })),
      headRechannel: u(s.headSize * s.channels),
      headRechannelBias: s.headBias ? u(s.headSize) : new Float32Array(s.headSize)
    }
  })
  return { arrays, headScale, zeroHistory }
}

/** Both kernels over `input` in blocks of `block`, then again after reset in one call; `extra`: the conditioning values. */
const compare = (weights: NamWaveNetWeights, input: Float32Array, block: number, extra: ReadonlyArray<number> = []): void => {
  const wasm = withKernels("wasm", () => namWaveNetKernelFor(weights))
  const js = withKernels("js", () => namWaveNetKernelFor(weights))
  expect(wasm.engine).toBe("wasm-simd")
  expect(js.engine).toBe("typed-array")
  expect(js).toBeInstanceOf(NamWaveNetKernel)
  const expected = new Float32Array(input.length)
  js.process(input, expected, extra)
  const got = new Float32Array(input.length)
  for (let at = 0; at < input.length; at += block) wasm.process(input.subarray(at, at + block), got.subarray(at, at + block), extra)
  // the output must not be trivially small (else 1e-5 says nothing)
  expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.01)
  expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5)
  wasm.reset()
  const again = new Float32Array(input.length)
  wasm.process(input, again, extra)
  expect(maxAbsDiff(again, expected)).toBeLessThan(1e-5)
}

const signal = (n: number, seed: number): Float32Array => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n }, (_, t) => 0.6 * Math.sin(t / 7) + rng.uniform(-0.3, 0.3))
}

describe("NAM WaveNet kernels: WASM SIMD equals the TypeScript kernel to 1e-5", () => {
  it("the trainer's standard WaveNet (16 then 8 channels, kernel 3, dilations 1..512 in each array, Tanh), random weights, 64-sample blocks", () => {
    const dil = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    const weights = randomWaveNet(
      [
        { inputSize: 1, channels: 16, headSize: 8, kernelSize: 3, dilations: dil, activation: "Tanh", gated: false, headBias: false },
        { inputSize: 16, channels: 8, headSize: 1, kernelSize: 3, dilations: dil, activation: "Tanh", gated: false, headBias: true }
      ],
      21, 0.15, 0.3
    )
    // longer than the receptive field (4093), so the rings wrap
    compare(weights, signal(5000, 22), 64)
  })

  const activations: NamActivation[] = ["Tanh", "ReLU", "Hardtanh", "Sigmoid"]
  for (const activation of activations) {
    for (const gated of [false, true]) {
      it(`${activation}${gated ? ", gated" : ""}: channels 5 then 3 (padded to 8 and 4), kernel sizes 2 and 1, odd blocks`, () => {
        const weights = randomWaveNet(
          [
            { inputSize: 1, channels: 5, headSize: 3, kernelSize: 2, dilations: [1, 3, 7], activation, gated, headBias: true },
            { inputSize: 5, channels: 3, headSize: 1, kernelSize: 1, dilations: [1, 2], activation, gated: !gated, headBias: false }
          ],
          31 + activations.indexOf(activation), 0.7, 0.8
        )
        compare(weights, signal(700, 32), 37)
      })
    }
  }

  it("three arrays, kernel 4, 12 channels, one call over 3000 samples (more than the 1024-sample io buffer)", () => {
    const weights = randomWaveNet(
      [
        { inputSize: 1, channels: 12, headSize: 6, kernelSize: 4, dilations: [1, 2, 4, 8, 16], activation: "Tanh", gated: true, headBias: false },
        { inputSize: 12, channels: 6, headSize: 4, kernelSize: 4, dilations: [3, 9], activation: "ReLU", gated: false, headBias: true },
        { inputSize: 6, channels: 4, headSize: 1, kernelSize: 4, dilations: [5], activation: "Hardtanh", gated: false, headBias: true }
      ],
      41, 0.35, 1
    )
    compare(weights, signal(3000, 42), 3000)
  })

  for (const zeroHistory of [false, true]) {
    it(`two extra conditioning values (the first array's input and every mixer see them), ${zeroHistory ? "zero history" : "silence history"}; values changed between calls`, () => {
      const weights = randomWaveNet(
        [
          { inputSize: 3, channels: 6, headSize: 2, kernelSize: 3, dilations: [1, 2, 4, 8], activation: "Tanh", gated: false, headBias: false },
          { inputSize: 6, channels: 2, headSize: 1, kernelSize: 3, dilations: [16, 1], activation: "Tanh", gated: false, headBias: true }
        ],
        61, 0.5, 1, 3, zeroHistory
      )
      compare(weights, signal(600, 62), 50, [0.25, 0.8])
      // a change of values mid-stream: both kernels fold the new values
      const wasm = withKernels("wasm", () => namWaveNetKernelFor(weights))
      const js = withKernels("js", () => namWaveNetKernelFor(weights))
      const input = signal(400, 63)
      const [a, b] = [new Float32Array(400), new Float32Array(400)]
      for (const [at, values] of [[0, [0.1, 0.2]], [200, [0.9, 0.4]]] as const) {
        js.process(input.subarray(at, at + 200), a.subarray(at, at + 200), values)
        wasm.process(input.subarray(at, at + 200), b.subarray(at, at + 200), values)
      }
      expect(maxAbsDiff(b, a)).toBeLessThan(1e-5)
      expect(() => wasm.process(input, b, [0.1])).toThrow(/takes 2 conditioning values, got 1/)
      expect(() => js.process(input, a, [0.1])).toThrow(/takes 2 conditioning values, got 1/)
    })
  }

  it("refuses weights whose layer arrays do not chain", () => {
    const weights = randomWaveNet(
      [
        { inputSize: 1, channels: 4, headSize: 3, kernelSize: 2, dilations: [1], activation: "Tanh", gated: false, headBias: false },
        { inputSize: 4, channels: 2, headSize: 1, kernelSize: 2, dilations: [1], activation: "Tanh", gated: false, headBias: false }
      ],
      51, 0.5, 1
    )
    expect(() => withKernels("wasm", () => namWaveNetKernelFor(weights))).toThrow(/layer array 0's head size 3 is not array 1's channels 2/)
  })
})

describe("model.wavenet's fast kernel (WASM SIMD and the TypeScript fallback) equals the tfjs model to 1e-5", async () => {
  const { loadBackend } = await import("../../src/ml/backend.js")
  const { buildModel } = await import("../../src/ml/models/index.js")
  const { fastKernelOf } = await import("../../src/ml/kernels/index.js")
  const { tf } = await loadBackend("cpu")
  // the narrow presets get larger weights, so that 0.02 × the head output is not tiny
  for (const [preset, condition, n, scale] of [["nano", [], 3000, 0.8], ["feather", ["drive", "tone"], 2500, 0.3], ["standard", ["gain"], 1500, 0.3]] as const) {
    it(`${preset}${condition.length > 0 ? `, conditioned on ${condition.join(", ")}` : ""}: ${n} samples in 100-sample blocks`, () => {
      const inputSize = 1 + condition.length
      const model = buildModel(tf, { uses: "model.wavenet", params: { preset, condition: [...condition] }, inputSize, seed: 3 })
      // every weight random (the biases start at 0)
      const rng = new Rng(71)
      for (const v of model.variables.values()) {
        const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-scale, scale)), v.shape)
        v.assign(t)
        t.dispose()
      }
      const dry = signal(n, 72)
      const labels = [0.7, 0.2].slice(0, condition.length)
      const x = new Float32Array(n * inputSize)
      for (let t = 0; t < n; t++) {
        x[t * inputSize] = dry[t]!
        for (let c = 0; c < labels.length; c++) x[t * inputSize + 1 + c] = labels[c]!
      }
      const reference = tf.tidy(() => model.apply(tf.tensor3d(x, [1, n, inputSize])).y.dataSync() as Float32Array)
      expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.01)
      for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
        const { name, kernel } = withKernels(preference, () => fastKernelOf(model))
        expect(name).toBe(`${engine} WaveNet kernel`)
        const out = new Float32Array(n)
        for (let at = 0; at < n; at += 100) kernel.process(dry.subarray(at, at + 100), out.subarray(at, at + 100), labels)
        expect(maxAbsDiff(out, reference)).toBeLessThan(1e-5)
        kernel.reset()
        const again = new Float32Array(n)
        kernel.process(dry, again, labels)
        expect(maxAbsDiff(again, reference)).toBeLessThan(1e-5)
      }
      model.dispose()
    })
  }
})

describe("model.wavenet with conditioning = \"film\": the streaming kernel equals the tfjs model", async () => {
  const { loadBackend } = await import("../../src/ml/backend.js")
  const { buildModel } = await import("../../src/ml/models/index.js")
  const { fastKernelOf } = await import("../../src/ml/kernels/index.js")
  const { tf } = await loadBackend("cpu")
  for (const [preset, condition, n, scale] of [["nano", ["drive"], 2000, 0.8], ["lite", ["limit", "peak_reduction"], 1500, 0.3]] as const) {
    it(`${preset}, FiLM on ${condition.join(", ")}: ${n} samples in 100-sample blocks, labels changed between runs, on WASM SIMD and TypeScript`, () => {
      const inputSize = 1 + condition.length
      const params = { preset, condition: [...condition], conditioning: "film" }
      const model = buildModel(tf, { uses: "model.wavenet", params, inputSize, seed: 3 })
      expect(model.summary).toMatch(/by FiLM/)
      // the rechannel and mixers see the audio alone; each layer has FiLM weights [labels, channels]
      expect(model.variables.get("array0/layer0/input_mixer/kernel")!.shape[0]).toBe(1)
      expect(model.variables.get("array0/layer0/film/gamma")!.shape[0]).toBe(condition.length)
      const rng = new Rng(81)
      for (const v of model.variables.values()) {
        const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-scale, scale)), v.shape)
        v.assign(t)
        t.dispose()
      }
      const dry = signal(n, 82)
      const outputs: Float32Array[] = []
      for (const labels of [[0.7, 0.2].slice(0, condition.length), [0.1, 0.9].slice(0, condition.length)]) {
        const x = new Float32Array(n * inputSize)
        for (let t = 0; t < n; t++) {
          x[t * inputSize] = dry[t]!
          for (let c = 0; c < labels.length; c++) x[t * inputSize + 1 + c] = labels[c]!
        }
        const reference = tf.tidy(() => model.apply(tf.tensor3d(x, [1, n, inputSize])).y.dataSync() as Float32Array)
        expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.01)
        outputs.push(reference)
        for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
          const { name, kernel } = withKernels(preference, () => fastKernelOf(model))
          expect(name).toBe(`${engine} WaveNet kernel`)
          const out = new Float32Array(n)
          for (let at = 0; at < n; at += 100) kernel.process(dry.subarray(at, at + 100), out.subarray(at, at + 100), labels)
          expect(maxAbsDiff(out, reference)).toBeLessThan(1e-5)
        }
      }
      // the labels matter
      expect(maxAbsDiff(outputs[0]!, outputs[1]!)).toBeGreaterThan(1e-3)
      // one kernel, the labels changed between calls: the FiLM fold starts from the raw weights each time
      for (const preference of ["wasm", "js"]) {
        const { kernel } = withKernels(preference, () => fastKernelOf(model))
        const out = new Float32Array(n)
        kernel.process(dry, out, [0.7, 0.2].slice(0, condition.length))
        kernel.reset()
        kernel.process(dry, out, [0.1, 0.9].slice(0, condition.length))
        expect(maxAbsDiff(out, outputs[1]!)).toBeLessThan(1e-5)
        kernel.reset()
        kernel.process(dry, out, [0.7, 0.2].slice(0, condition.length))
        expect(maxAbsDiff(out, outputs[0]!)).toBeLessThan(1e-5)
      }
      model.dispose()
    })
  }

  it("FiLM's gradients reach its weights, and start as the unconditioned network (zero FiLM weights)", () => {
    const params = { preset: "nano", condition: ["drive"], conditioning: "film" }
    const model = buildModel(tf, { uses: "model.wavenet", params, inputSize: 2, seed: 4 })
    const n = 300
    const dry = signal(n, 5)
    const withLabel = (v: number) => tf.tensor3d(Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? dry[i / 2]! : v)), [1, n, 2])
    const a = tf.tidy(() => model.apply(withLabel(0.1)).y.dataSync() as Float32Array)
    const b = tf.tidy(() => model.apply(withLabel(0.9)).y.dataSync() as Float32Array)
    expect(maxAbsDiff(a, b)).toBe(0)
    const vars = [...model.variables.values()]
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(withLabel(0.6)).y)) as ReturnType<typeof tf.scalar>, vars)
    for (const name of ["array0/layer0/film/gamma", "array1/layer3/film/beta"]) {
      expect(Math.max(...Array.from(grads[model.variables.get(name)!.name]!.dataSync()).map(Math.abs)), name).toBeGreaterThan(0)
    }
    model.dispose()
  })
})

describe("loadModel of a model.wavenet folder streams it through the WaveNet kernel", async () => {
  const { loadBackend } = await import("../../src/ml/backend.js")
  const { buildModel } = await import("../../src/ml/models/index.js")
  const { serializeModel } = await import("../../src/ml/model-files.js")
  const { loadModel } = await import("../../src/ml/stream/processor.js")
  const { tempDir } = await import("../helpers/cli.js")
  const { writeFileSync } = await import("node:fs")
  const { join } = await import("node:path")
  const { tf } = await loadBackend("cpu")

  it("nano conditioned on drive (range 0..10): the tfjs model's output to 1e-5 on WASM and TypeScript, in 64-sample blocks", async () => {
    const model = buildModel(tf, { uses: "model.wavenet", params: { preset: "nano", condition: ["drive"] }, inputSize: 2, seed: 5 })
    const rng = new Rng(81)
    for (const v of model.variables.values()) {
      const t = tf.tensor(Float32Array.from({ length: v.size }, () => rng.uniform(-0.8, 0.8)), v.shape)
      v.assign(t)
      t.dispose()
    }
    const dir = tempDir("audioml-wavenet-")
    for (const [name, bytes] of await serializeModel(tf, model)) writeFileSync(join(dir, name), bytes)
    const meta = { uses: "model.wavenet", params: { preset: "nano", condition: ["drive"] }, summary: model.summary, sample_rate: 48000, condition: [{ name: "drive", range: [0, 10] }] }
    writeFileSync(join(dir, "model-meta.json"), JSON.stringify(meta))
    const n = 1000
    const dry = signal(n, 82)
    const x = new Float32Array(2 * n)
    for (let t = 0; t < n; t++) [x[2 * t], x[2 * t + 1]] = [dry[t]!, 0.7]
    const reference = tf.tidy(() => model.apply(tf.tensor3d(x, [1, n, 2])).y.dataSync() as Float32Array)
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.01)
    for (const [preference, engine] of [["wasm", "wasm-simd"], ["js", "typed-array"]] as const) {
      const fx = await withKernels(preference, () => loadModel(dir))
      expect(fx.engine).toBe(engine)
      expect(fx.params).toEqual(["drive"])
      expect(fx.sampleRate).toBe(48000)
      const out = new Float32Array(n)
      for (let at = 0; at < n; at += 64) fx.process(dry.subarray(at, at + 64), out.subarray(at, at + 64), { drive: 7 })
      expect(maxAbsDiff(out, reference)).toBeLessThan(1e-5)
      expect(() => fx.process(dry, out)).toThrow(/process needs params\.drive/)
    }
    model.dispose()
  })
})

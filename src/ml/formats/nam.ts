/**
 * Neural Amp Modeler `.nam` files (JSON): reading LSTM and WaveNet captures into our kernel
 * weights, and writing our LSTM models as NAM LSTMs.
 *
 * Layout, from the NAM trainer's export (nam/models/recurrent.py, `_export_weights`) and
 * NeuralAmpModelerCore's loader (NAM/lstm.cpp): top-level `version`, `architecture`,
 * `config` {input_size, hidden_size, num_layers}, flat `weights`, `sample_rate`, `metadata`.
 * Weights, per layer l (input size I = input_size for l = 0, else H):
 *   W = [W_ih | W_hh], 4H rows × (I + H) columns, row-major, gate rows i, f, g, o (PyTorch)
 *   b = b_ih + b_hh (4H), initial hidden state (H), initial cell state (H)
 * then the head: weight (H), bias (1). Output = head · h_top + bias (NAM's LSTM has no skip).
 * Input channels beyond the first are NAM's extra (knob) inputs: our conditioning values.
 */
import { readFileSync } from "node:fs"
import type { NamActivation, NamWaveNetArray, NamWaveNetWeights } from "../kernels/nam-wavenet.js"
import type { RnnWeights } from "../kernels/weights.js"

/** The architectures a `.nam` file may name that this module reads. */
export const NAM_ARCHITECTURES_READ = ["LSTM", "WaveNet"] as const

interface NamCommon {
  /** The rate the capture was trained at (Hz); 48000 when the file does not say (NAM's own default). */
  readonly sampleRate: number
  readonly metadata: Readonly<Record<string, unknown>>
  readonly version: string
}

/** A NAM file as audioml runs it: an LSTM (our RNN kernels) or a WaveNet (kernels/nam-wavenet.ts). */
export type NamModel = (NamCommon & { readonly architecture: "LSTM"; readonly weights: RnnWeights }) | (NamCommon & { readonly architecture: "WaveNet"; readonly wavenet: NamWaveNetWeights })

const ACTIVATIONS: ReadonlyArray<NamActivation> = ["Tanh", "ReLU", "Hardtanh", "Sigmoid"]

/**
 * NAM's WaveNet (trainer nam/models/wavenet.py, v0.5): config {layers: [layer array], head:
 * null, head_scale}; weights per layer array: rechannel [channels][input_size] (no bias); per
 * dilation: conv [mid][channels][kernel_size] + bias [mid], input mixer [mid][condition_size]
 * (no bias), 1×1 [channels][channels] + bias [channels]; head rechannel [head_size][channels]
 * (+ bias [head_size] when head_bias); finally head_scale (also in config).
 */
const parseWaveNet = (file: string, config: Record<string, unknown>, w: ReadonlyArray<unknown>): NamWaveNetWeights => {
  if (config["head"] !== null && config["head"] !== undefined) fail(file, "WaveNet with a post-head (config.head not null) is not supported")
  const arraysConfig = config["layers"]
  if (!Array.isArray(arraysConfig) || arraysConfig.length === 0) return fail(file, "config.layers must be a non-empty array of layer arrays")
  const shapes = arraysConfig.map((raw, i) => {
    if (typeof raw !== "object" || raw === null) return fail(file, `config.layers[${i}] is not an object`)
    const c = raw as Record<string, unknown>
    const at = (key: string) => `layers[${i}].${key}`
    const int = (key: string, max: number) => positiveInt(file, c, key, max, at(key))
    const dilations = c["dilations"]
    if (!Array.isArray(dilations) || dilations.length === 0 || !dilations.every((d) => Number.isInteger(d) && d >= 1 && d <= 65536)) {
      fail(file, `config.${at("dilations")} must be a non-empty array of integers from 1 to 65536`)
    }
    const activation = c["activation"]
    if (!ACTIVATIONS.includes(activation as NamActivation)) fail(file, `config.${at("activation")} "${String(activation)}" is not one of ${ACTIVATIONS.join(", ")}`)
    return {
      inputSize: int("input_size", 1024),
      conditionSize: int("condition_size", 1024),
      headSize: int("head_size", 1024),
      channels: int("channels", 1024),
      kernelSize: int("kernel_size", 64),
      dilations: dilations as number[],
      activation: activation as NamActivation,
      gated: c["gated"] === true,
      headBias: c["head_bias"] === true
    }
  })
  shapes.forEach((a, i) => {
    if (a.conditionSize !== 1) fail(file, `config.layers[${i}].condition_size is ${a.conditionSize}; audioml runs WaveNets conditioned on the audio only (1)`)
    if (i === 0 && a.inputSize !== 1) fail(file, `config.layers[0].input_size is ${a.inputSize}, expected 1 (mono audio)`)
    if (i > 0 && a.inputSize !== shapes[i - 1]!.channels) fail(file, `config.layers[${i}].input_size ${a.inputSize} is not the previous array's channels ${shapes[i - 1]!.channels}`)
    if (i > 0 && shapes[i - 1]!.headSize !== a.channels) fail(file, `config.layers[${i - 1}].head_size ${shapes[i - 1]!.headSize} is not the next array's channels ${a.channels}`)
  })
  if (shapes[shapes.length - 1]!.headSize !== 1) fail(file, `the last layer array's head_size must be 1 (mono output)`)
  let expected = 1
  for (const a of shapes) {
    const mid = (a.gated ? 2 : 1) * a.channels
    expected += a.channels * a.inputSize + a.dilations.length * (mid * a.channels * a.kernelSize + mid + mid * a.conditionSize + a.channels * a.channels + a.channels)
    expected += a.headSize * a.channels + (a.headBias ? a.headSize : 0)
  }
  const values = finiteWeights(file, w, expected, `a WaveNet with this config has ${expected}`)
  let at = 0
  const take = (n: number): Float32Array => {
    const v = values.subarray(at, at + n)
    at += n
    return v
  }
  const arrays: NamWaveNetArray[] = shapes.map((a) => {
    const mid = (a.gated ? 2 : 1) * a.channels
    const rechannel = take(a.channels * a.inputSize)
    const layers = a.dilations.map(() => ({
      conv: take(mid * a.channels * a.kernelSize),
      convBias: take(mid),
      mixer: take(mid * a.conditionSize),
      oneByOne: take(a.channels * a.channels),
      oneByOneBias: take(a.channels)
    }))
    const headRechannel = take(a.headSize * a.channels)
    const headRechannelBias = a.headBias ? take(a.headSize) : new Float32Array(a.headSize)
    return { ...a, rechannel, layers, headRechannel, headRechannelBias }
  })
  return { arrays, headScale: take(1)[0]! }
}

/** The `weights` array as float32, refusing a wrong count (`what` says the expected count) or a non-number. */
const finiteWeights = (file: string, raw: ReadonlyArray<unknown>, expected: number, what: string): Float32Array => {
  if (raw.length !== expected) fail(file, `has ${raw.length} weights, but ${what} (truncated or wrong config)`)
  const w = new Float32Array(expected)
  for (let i = 0; i < expected; i++) {
    const v = raw[i]
    if (typeof v !== "number" || !Number.isFinite(v)) fail(file, `weights[${i}] is ${JSON.stringify(v)}, not a finite number`)
    w[i] = v as number
  }
  return w
}

/** Thrown for a file that is not a usable `.nam`; the message names the file and the problem. */
export class NamFormatError extends Error {
  override readonly name = "NamFormatError"
}

const fail = (file: string, what: string): never => {
  throw new NamFormatError(`${file}: ${what}`)
}

const positiveInt = (file: string, config: Record<string, unknown>, key: string, max: number, path = key): number => {
  const v = config[key]
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) fail(file, `config.${path} must be an integer from 1 to ${max}, not ${JSON.stringify(v)}`)
  return v as number
}

/** Number of weights a NAM LSTM of this shape has. */
export const namLstmWeightCount = (inputSize: number, hidden: number, layers: number): number => {
  let n = 0
  for (let l = 0; l < layers; l++) n += 4 * hidden * ((l === 0 ? inputSize : hidden) + hidden) + 4 * hidden + 2 * hidden
  return n + hidden + 1
}

/** Parses `.nam` text (`file` names it in errors). */
export const parseNam = (text: string, file: string): NamModel => {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return fail(file, `not valid JSON (${(e as Error).message}); a .nam file is JSON, is it truncated?`)
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return fail(file, "not a NAM model (expected a JSON object)")
  const d = doc as Record<string, unknown>
  const architecture = d["architecture"]
  if (typeof architecture !== "string") return fail(file, `no "architecture" field: not a NAM model`)
  if (!(NAM_ARCHITECTURES_READ as ReadonlyArray<string>).includes(architecture)) {
    return fail(file, `architecture "${architecture}" is not supported (audioml runs NAM architectures: ${NAM_ARCHITECTURES_READ.join(", ")})`)
  }
  const config = d["config"]
  if (typeof config !== "object" || config === null) return fail(file, `no "config" object`)
  const c = config as Record<string, unknown>
  const raw = d["weights"]
  if (!Array.isArray(raw)) return fail(file, `no "weights" array`)
  const rate = d["sample_rate"]
  if (rate !== undefined && rate !== null && (typeof rate !== "number" || !(rate > 0))) fail(file, `sample_rate must be a positive number, not ${JSON.stringify(rate)}`)
  const metadata = d["metadata"]
  const common: NamCommon = {
    sampleRate: typeof rate === "number" ? rate : 48000,
    version: typeof d["version"] === "string" ? d["version"] : "unknown",
    metadata: typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : {}
  }
  if (architecture === "WaveNet") return { ...common, architecture: "WaveNet", wavenet: parseWaveNet(file, c, raw) }
  const inputSize = positiveInt(file, c, "input_size", 64)
  const hidden = positiveInt(file, c, "hidden_size", 512)
  const layers = positiveInt(file, c, "num_layers", 8)
  const expected = namLstmWeightCount(inputSize, hidden, layers)
  const w = finiteWeights(file, raw, expected, `an LSTM with input_size ${inputSize}, hidden_size ${hidden}, num_layers ${layers} has ${expected}`)
  const H = hidden
  let at = 0
  const layerWeights: Array<RnnWeights["layers"][number]> = []
  const h0: Float32Array[] = []
  const c0: Float32Array[] = []
  for (let l = 0; l < layers; l++) {
    const I = l === 0 ? inputSize : H
    // NAM rows are gates (i, f, g, o × H), columns [input | hidden]; tfjs's kernel is the transpose.
    const kernel = new Float32Array(I * 4 * H)
    const recurrent = new Float32Array(H * 4 * H)
    for (let g = 0; g < 4 * H; g++) {
      for (let k = 0; k < I; k++) kernel[k * 4 * H + g] = w[at + g * (I + H) + k]!
      for (let k = 0; k < H; k++) recurrent[k * 4 * H + g] = w[at + g * (I + H) + I + k]!
    }
    at += 4 * H * (I + H)
    const bias = w.slice(at, at + 4 * H)
    at += 4 * H
    h0.push(w.slice(at, at + H))
    at += H
    c0.push(w.slice(at, at + H))
    at += H
    layerWeights.push({ kernel, recurrent, bias })
  }
  const outKernel = w.slice(at, at + H)
  const outBias = w[at + H]!
  return {
    ...common,
    architecture: "LSTM",
    weights: { hidden: H, inputSize, layers: layerWeights, outKernel, outBias, skip: false, initialState: { h: h0, c: c0 } }
  }
}

/** Reads a `.nam` file; a missing or unreadable file is a NamFormatError naming it. */
export const readNam = (path: string): NamModel => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    return fail(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  return parseNam(text, path)
}

/** What a NAM file's `metadata` holds (all optional in NAM). */
export interface NamMetadata {
  readonly name?: string
  readonly loudness?: number
  readonly gear_type?: string
  /** Validation ESR of the training run. */
  readonly training_esr?: number
  readonly [key: string]: unknown
}

/** NAM file version written (the trainer's current 0.5 line). */
export const NAM_VERSION_WRITTEN = "0.5.4"

/**
 * Our LSTM weights as a NAM LSTM document. NAM's LSTM has no skip connection, so a model
 * trained with `skip = true` cannot be written (`model` names it in the error).
 */
export const namFromRnnWeights = (weights: RnnWeights, cell: string, sampleRate: number, metadata: NamMetadata, model: string): Record<string, unknown> => {
  if (cell !== "lstm") throw new NamFormatError(`${model}: NAM files hold LSTM or WaveNet models; this is a ${cell.toUpperCase()}`)
  if (weights.skip) {
    throw new NamFormatError(`${model}: was trained with skip = true (output = network + dry input), which NAM's LSTM cannot express; train with skip = false to export it as .nam`)
  }
  const H = weights.hidden
  const out: number[] = []
  weights.layers.forEach((lw, l) => {
    const I = l === 0 ? weights.inputSize : H
    for (let g = 0; g < 4 * H; g++) {
      for (let k = 0; k < I; k++) out.push(lw.kernel[k * 4 * H + g]!)
      for (let k = 0; k < H; k++) out.push(lw.recurrent[k * 4 * H + g]!)
    }
    for (let g = 0; g < 4 * H; g++) out.push(lw.bias[g]!)
    for (let k = 0; k < H; k++) out.push(weights.initialState?.h[l]?.[k] ?? 0)
    for (let k = 0; k < H; k++) out.push(weights.initialState?.c[l]?.[k] ?? 0)
  })
  for (let k = 0; k < H; k++) out.push(weights.outKernel[k]!)
  out.push(weights.outBias)
  return {
    version: NAM_VERSION_WRITTEN,
    architecture: "LSTM",
    config: { input_size: weights.inputSize, hidden_size: H, num_layers: weights.layers.length },
    weights: out,
    sample_rate: sampleRate,
    metadata
  }
}

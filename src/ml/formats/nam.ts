/**
 * Neural Amp Modeler `.nam` files (JSON): reading LSTM captures into our kernel weights and
 * writing our LSTM models as NAM LSTMs.
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
import type { RnnWeights } from "../kernels/weights.js"

/** The architectures a `.nam` file may name that this module knows of. */
export const NAM_ARCHITECTURES_READ = ["LSTM"] as const

/** A NAM file as audioml runs it. */
export interface NamModel {
  readonly architecture: "LSTM"
  /** The rate the capture was trained at (Hz); 48000 when the file does not say (NAM's own default). */
  readonly sampleRate: number
  readonly weights: RnnWeights
  readonly metadata: Readonly<Record<string, unknown>>
  readonly version: string
}

/** Thrown for a file that is not a usable `.nam`; the message names the file and the problem. */
export class NamFormatError extends Error {
  override readonly name = "NamFormatError"
}

const fail = (file: string, what: string): never => {
  throw new NamFormatError(`${file}: ${what}`)
}

const positiveInt = (file: string, config: Record<string, unknown>, key: string, max: number): number => {
  const v = config[key]
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) fail(file, `config.${key} must be an integer from 1 to ${max}, not ${JSON.stringify(v)}`)
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
  if (architecture !== "LSTM") {
    return fail(file, `architecture "${architecture}" is not supported (audioml runs NAM architectures: ${NAM_ARCHITECTURES_READ.join(", ")})`)
  }
  const config = d["config"]
  if (typeof config !== "object" || config === null) return fail(file, `no "config" object`)
  const c = config as Record<string, unknown>
  const inputSize = positiveInt(file, c, "input_size", 64)
  const hidden = positiveInt(file, c, "hidden_size", 512)
  const layers = positiveInt(file, c, "num_layers", 8)
  const raw = d["weights"]
  if (!Array.isArray(raw)) return fail(file, `no "weights" array`)
  const expected = namLstmWeightCount(inputSize, hidden, layers)
  if (raw.length !== expected) {
    fail(file, `has ${raw.length} weights, but an LSTM with input_size ${inputSize}, hidden_size ${hidden}, num_layers ${layers} has ${expected} (truncated or wrong config)`)
  }
  const w = new Float32Array(expected)
  for (let i = 0; i < expected; i++) {
    const v = raw[i]
    if (typeof v !== "number" || !Number.isFinite(v)) fail(file, `weights[${i}] is ${JSON.stringify(v)}, not a finite number`)
    w[i] = v as number
  }
  const rate = d["sample_rate"]
  if (rate !== undefined && (typeof rate !== "number" || !(rate > 0))) fail(file, `sample_rate must be a positive number, not ${JSON.stringify(rate)}`)
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
  const metadata = d["metadata"]
  return {
    architecture: "LSTM",
    sampleRate: (rate as number | undefined) ?? 48000,
    version: typeof d["version"] === "string" ? d["version"] : "unknown",
    metadata: typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : {},
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

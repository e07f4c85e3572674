/**
 * RTNeural's JSON model format: reading stacked LSTM / GRU models into our kernel weights, and
 * writing model.rnn models in it.
 *
 * Layout, from RTNeural's exporter (python/model_utils.py, `save_model`: Keras layers'
 * `get_weights()`) and its loader (RTNeural/model_loader.h, `parseJson`): top-level
 * `in_shape` (Keras's input shape, [null, null, inputs]; its last entry is the input count)
 * and `layers`, each {type, activation, shape (the output shape; its last entry is the layer's
 * size), weights}, in Keras's layouts:
 *   "lstm": [kernel [I][4H], recurrent [H][4H], bias [4H]], gate blocks i, f, c, o;
 *   "gru":  [kernel [I][3H], recurrent [H][3H], bias [2][3H]] (input-side row, then
 *           recurrent-side), gate blocks z, r, n: the reset-after cell (Keras reset_after=True);
 *   "dense" / "time-distributed-dense": [kernel [in][out], bias [out]], then `activation`.
 * The network's output is the last layer's; RTNeural has no residual (skip) connection.
 *
 * What audioml reads and writes: one or more LSTM or GRU layers of one size, then one linear
 * dense layer with one output. Input channels beyond the first are conditioning inputs (our
 * labels, normalised to [0, 1]). A model.rnn trained with skip = true is written with the extra
 * top-level key `audioml.skip = true`, which our loader honours and RTNeural ignores: a host
 * running the file in RTNeural adds the dry input to the output itself. `audioml` also keeps the
 * sample rate and the conditioning labels' names and ranges (RTNeural's format has neither).
 */
import { readFileSync } from "node:fs"
import type { RnnCellKind } from "../kernels/wasm/rnn-wasm.js"
import type { RnnLayerWeights, RnnWeights } from "../kernels/weights.js"

/** Thrown for a file that is not a usable RTNeural model; the message names the file, the place in it and the problem. */
export class RtneuralFormatError extends Error {
  override readonly name = "RtneuralFormatError"
}

/** A conditioning input as the `audioml` key records it: the label's name and the range mapped to [0, 1]. */
export interface RtneuralConditionInput {
  readonly name: string
  readonly range: readonly [number, number]
}

/** The extra top-level `audioml` key of a file audioml wrote (RTNeural ignores it). */
export interface RtneuralAudiomlKey {
  /** Add the dry input (channel 0) to the network's output (model.rnn's skip). */
  readonly skip: boolean
  /** The rate (Hz) the model was trained at. */
  readonly sample_rate?: number
  /** Input channels 1.. in order: conditioning labels and their ranges. */
  readonly condition?: ReadonlyArray<RtneuralConditionInput>
  /** One line describing the model. */
  readonly summary?: string
}

/** An RTNeural model as audioml runs it. */
export interface RtneuralModel {
  /** "lstm" or "gru-reset-after" (RTNeural's GRU). */
  readonly cell: RnnCellKind
  readonly weights: RnnWeights
  /** The `audioml` key, when the file has one (files audioml wrote). */
  readonly audioml: RtneuralAudiomlKey | undefined
}

/** Layer types of RTNeural's format this module reads (its others are refused by name). */
export const RTNEURAL_LAYERS_READ = ["lstm", "gru", "dense", "time-distributed-dense"] as const

const fail = (file: string, what: string): never => {
  throw new RtneuralFormatError(`${file}: ${what}`)
}

const describe = (v: unknown): string => {
  const text = JSON.stringify(v)
  return text === undefined ? String(v) : text.length > 40 ? `${text.slice(0, 40)}…` : text
}

/** A [rows][cols] array of finite numbers as row-major float32. */
const matrix = (file: string, v: unknown, rows: number, cols: number, path: string): Float32Array => {
  if (!Array.isArray(v) || v.length !== rows) return fail(file, `${path} must be ${rows} rows of ${cols} numbers, has ${Array.isArray(v) ? `${v.length} rows` : describe(v)}`)
  const out = new Float32Array(rows * cols)
  v.forEach((row, r) => out.set(vector(file, row, cols, `${path}[${r}]`), r * cols))
  return out
}

/** An array of `n` finite numbers as float32. */
const vector = (file: string, v: unknown, n: number, path: string): Float32Array => {
  if (!Array.isArray(v) || v.length !== n) return fail(file, `${path} must be ${n} numbers, has ${Array.isArray(v) ? v.length : describe(v)}`)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const x = v[i]
    if (typeof x !== "number" || !Number.isFinite(x)) fail(file, `${path}[${i}] is ${describe(x)}, not a finite number`)
    out[i] = x as number
  }
  return out
}

/** The last entry of a Keras shape (`in_shape`, a layer's `shape`): a size from 1 to `max`. */
const lastDim = (file: string, v: unknown, path: string, max: number): number => {
  const last = Array.isArray(v) ? v[v.length - 1] : undefined
  if (typeof last !== "number" || !Number.isInteger(last) || last < 1 || last > max) fail(file, `${path} must be a shape whose last entry is an integer from 1 to ${max}, not ${describe(v)}`)
  return last as number
}

const readAudiomlKey = (file: string, v: unknown): RtneuralAudiomlKey | undefined => {
  if (v === undefined) return undefined
  if (typeof v !== "object" || v === null || Array.isArray(v)) return fail(file, `"audioml" must be an object, not ${describe(v)}`)
  const a = v as Record<string, unknown>
  if (typeof a["skip"] !== "boolean") fail(file, `audioml.skip must be true or false, not ${describe(a["skip"])}`)
  const rate = a["sample_rate"]
  if (rate !== undefined && (typeof rate !== "number" || !(rate > 0))) fail(file, `audioml.sample_rate must be a positive number, not ${describe(rate)}`)
  const condition = a["condition"]
  if (condition !== undefined) {
    const ok = Array.isArray(condition) && condition.every((c) => {
      const r = (c as { range?: unknown })?.range
      return typeof (c as { name?: unknown })?.name === "string" && Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === "number" && Number.isFinite(x))
    })
    if (!ok) fail(file, `audioml.condition must be a list of {name, range: [lo, hi]}, not ${describe(condition)}`)
  }
  return {
    skip: a["skip"] as boolean,
    ...(typeof rate === "number" ? { sample_rate: rate } : {}),
    ...(condition !== undefined ? { condition: condition as RtneuralConditionInput[] } : {}),
    ...(typeof a["summary"] === "string" ? { summary: a["summary"] } : {})
  }
}

/** Whether a parsed JSON document looks like an RTNeural model (has `in_shape` and `layers`). */
export const isRtneuralDocument = (doc: unknown): boolean =>
  typeof doc === "object" && doc !== null && !Array.isArray(doc) && "in_shape" in doc && "layers" in doc

/** Parses RTNeural JSON text (`file` names it in errors). */
export const parseRtneural = (text: string, file: string): RtneuralModel => {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return fail(file, `not valid JSON (${(e as Error).message}); an RTNeural model is JSON, is it truncated?`)
  }
  if (!isRtneuralDocument(doc)) {
    // RTNeural's C++ can also load PyTorch state dicts exported as JSON (torch_helpers.h), whose
    // layer names the loading code chooses: nothing here says how the layers connect.
    const torch = typeof doc === "object" && doc !== null && Object.keys(doc).some((k) => /(^|\.)(weight|bias)(_ih_l0|_hh_l0)?$/.test(k))
    return fail(
      file,
      torch
        ? `looks like a PyTorch state_dict as JSON (RTNeural's torch_helpers format, layers named by the loading code); audioml reads RTNeural's model JSON ("in_shape" and "layers", as its save_model writes)`
        : `not an RTNeural model (expected a JSON object with "in_shape" and "layers")`
    )
  }
  const d = doc as Record<string, unknown>
  const nIn = lastDim(file, d["in_shape"], "in_shape", 64)
  const layers = d["layers"]
  if (!Array.isArray(layers) || layers.length < 2) return fail(file, `"layers" must list one or more LSTM or GRU layers and a dense output layer`)
  const audioml = readAudiomlKey(file, d["audioml"])
  const shape = "audioml reads RTNeural models of LSTM or GRU layers of one size followed by one linear dense layer with 1 output"
  const recurrent: RnnLayerWeights[] = []
  let type: "lstm" | "gru" | undefined
  let hidden = 0
  let inSize = nIn
  let head: { kernel: Float32Array; bias: number } | undefined
  for (let i = 0; i < layers.length; i++) {
    const raw: unknown = layers[i]
    const at = `layers[${i}]`
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail(file, `${at} is not an object`)
    const l = raw as Record<string, unknown>
    const t = l["type"]
    if (!(RTNEURAL_LAYERS_READ as ReadonlyArray<unknown>).includes(t)) fail(file, `${at}.type ${describe(t)} is not supported (${shape}; layer types read: ${RTNEURAL_LAYERS_READ.join(", ")})`)
    if (head !== undefined) fail(file, `${at}: a ${t} layer after the dense output layer (${shape})`)
    const size = lastDim(file, l["shape"], `${at}.shape`, 512)
    const w = l["weights"]
    if (!Array.isArray(w)) return fail(file, `${at}.weights must be an array of weight arrays`)
    if (t === "lstm" || t === "gru") {
      if (type !== undefined && t !== type) fail(file, `${at}: a ${t} layer after ${type} layers (${shape})`)
      if (type !== undefined && size !== hidden) fail(file, `${at}: ${size} units after layers of ${hidden} (${shape})`)
      type = t
      hidden = size
      const gates = t === "lstm" ? 4 : 3
      const G = gates * size
      if (w.length !== 3) fail(file, `${at}.weights must be [kernel, recurrent kernel, bias], has ${w.length} arrays`)
      const kernel = matrix(file, w[0], inSize, G, `${at}.weights[0] (kernel, [${inSize}][${G}])`)
      const rec = matrix(file, w[1], size, G, `${at}.weights[1] (recurrent kernel, [${size}][${G}])`)
      const bias = t === "lstm" ? vector(file, w[2], G, `${at}.weights[2] (bias, ${G})`) : matrix(file, w[2], 2, G, `${at}.weights[2] (bias, [2][${G}]: RTNeural's GRU is the reset-after cell)`)
      recurrent.push({ kernel, recurrent: rec, bias })
      inSize = size
      continue
    }
    // dense
    if (recurrent.length === 0) fail(file, `${at}: a dense layer before any LSTM or GRU layer (${shape})`)
    if (i !== layers.length - 1) fail(file, `${at}: a dense layer that is not the last layer (${shape})`)
    if (size !== 1) fail(file, `${at}: the output layer has ${size} outputs; audioml runs mono models (1 output)`)
    const act = l["activation"]
    if (act !== undefined && act !== "" && act !== "linear") fail(file, `${at}.activation ${describe(act)} is not supported (audioml runs a linear output layer: "")`)
    if (w.length < 1 || w.length > 2) fail(file, `${at}.weights must be [kernel] or [kernel, bias], has ${w.length} arrays`)
    const kernel = matrix(file, w[0], inSize, 1, `${at}.weights[0] (kernel, [${inSize}][1])`)
    const bias = w.length === 2 ? vector(file, w[1], 1, `${at}.weights[1] (bias, 1)`)[0]! : 0
    head = { kernel, bias }
  }
  if (head === undefined) return fail(file, `no dense output layer after the ${type} layers (${shape})`)
  if (audioml?.condition !== undefined && audioml.condition.length !== nIn - 1) {
    fail(file, `audioml.condition names ${audioml.condition.length} conditioning inputs, but in_shape has ${nIn} inputs (audio + ${nIn - 1})`)
  }
  return {
    cell: type === "lstm" ? "lstm" : "gru-reset-after",
    weights: { hidden, inputSize: nIn, layers: recurrent, outKernel: head.kernel, outBias: head.bias, skip: audioml?.skip ?? false },
    audioml
  }
}

/** Reads an RTNeural JSON file; a missing or unreadable file is an RtneuralFormatError naming it. */
export const readRtneural = (path: string): RtneuralModel => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    return fail(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  return parseRtneural(text, path)
}

/** Rows of a row-major [rows][cols] array, as nested number arrays (Keras's `get_weights()` nesting). */
const rows = (m: Float32Array, nRows: number, cols: number): number[][] =>
  Array.from({ length: nRows }, (_, r) => Array.from(m.subarray(r * cols, (r + 1) * cols)))

/**
 * Our LSTM / reset-after GRU weights as an RTNeural document. Refused (`model` names the model
 * in the error): the reset-before GRU (RTNeural's GRU is the reset-after cell) and a learnt
 * initial state (RTNeural starts from zeros). `audioml` becomes the extra top-level key.
 */
export const rtneuralFromRnnWeights = (weights: RnnWeights, cell: RnnCellKind, audioml: RtneuralAudiomlKey, model: string): Record<string, unknown> => {
  if (cell === "gru") {
    throw new RtneuralFormatError(
      `${model}: its GRU is the reset-before cell (trained before train stage 5, or with gru_cell = "reset_before"), and RTNeural's GRU is the reset-after cell; ` +
        `retrain with gru_cell = "reset_after" to export it`
    )
  }
  const nonZero = (a: ReadonlyArray<Float32Array> | undefined) => (a ?? []).some((v) => v.some((x) => x !== 0))
  if (nonZero(weights.initialState?.h) || nonZero(weights.initialState?.c)) throw new RtneuralFormatError(`${model}: has a learnt initial state, which RTNeural's format cannot hold (it starts from zeros)`)
  const H = weights.hidden
  const gates = cell === "lstm" ? 4 : 3
  const G = gates * H
  const type = cell === "lstm" ? "lstm" : "gru"
  const layers: Array<Record<string, unknown>> = weights.layers.map((l, i) => ({
    type,
    activation: "tanh",
    shape: [null, null, H],
    weights: [rows(l.kernel, i === 0 ? weights.inputSize : H, G), rows(l.recurrent, H, G), cell === "lstm" ? Array.from(l.bias) : rows(l.bias, 2, G)]
  }))
  layers.push({ type: "dense", activation: "", shape: [null, null, 1], weights: [rows(weights.outKernel, H, 1), [weights.outBias]] })
  return { in_shape: [null, null, weights.inputSize], layers, audioml }
}

/**
 * The streaming processor: a trained effect model as a block-by-block audio processor, for a
 * plugin, a Web Audio worklet or a script.
 *
 *   const fx = await loadModel("amp.nam")      // a .nam file, an RTNeural .json, a model folder or a run folder
 *   fx.process(input, output, { drive: 0.7 })  // any block size; state carries across calls
 *   fx.reset()                                  // back to the model's initial state
 *   fx.latencySamples                           // 0: every streamed model is causal
 *
 * Recurrent models (model.rnn, NAM LSTM, RTNeural LSTM/GRU) and NAM WaveNets run through the
 * WASM SIMD kernels (TypeScript when SIMD is missing); on the WASM path `process` allocates
 * nothing per block. The WaveNet is causal, so its latency is 0 as well.
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import { basename, dirname, extname, join } from "node:path"
import { namWaveNetKernelFor, rnnKernelFor, type RnnKernel } from "../kernels/index.js"
import { namWaveNetReceptiveField } from "../kernels/nam-wavenet.js"
import { rnnWeightsFrom } from "../kernels/weights.js"
import { rnnCellKind, rnnParamsOf } from "../models/rnn.js"
import { wavenetKernelWeights } from "../models/wavenet.js"
import { tcnKernelWeights } from "../models/tcn.js"
import { tcnKernelFor } from "../kernels/tcn-kernel.js"
import { readNam } from "../formats/nam.js"
import { readRtneural } from "../formats/rtneural.js"

/** A loaded model, ready to process blocks. */
export interface StreamProcessor {
  /**
   * Processes `input` into `output` (same length or longer; may be the same array).
   * `params`: the conditioning values by name, in the label's own units (a model folder's
   * labels, e.g. `{ drive: 9 }`; a .nam file's extra inputs `input1`, `input2`, ... as is).
   */
  process(input: Float32Array, output: Float32Array, params?: Readonly<Record<string, number>>): void
  /** Restores the initial state (silence history). */
  reset(): void
  /** Samples by which the output lags the input (0: every model it streams is causal). */
  readonly latencySamples: number
  /**
   * The rate (Hz) the model was trained at; feed it audio at this rate. undefined when the file
   * does not say (an RTNeural JSON that audioml did not write): the host must know it.
   */
  readonly sampleRate: number | undefined
  /** The conditioning parameters `process` expects, in order. */
  readonly params: ReadonlyArray<string>
  /** Which kernel runs ("wasm-simd" or "typed-array"). */
  readonly engine: string
  /** One line describing the model. */
  readonly summary: string
}

/** Options for `loadModel`. */
export interface LoadModelOptions {
  /** The host's sample rate (Hz): refused with an error when it is not the model's. */
  readonly sampleRate?: number
}

/** A parameter: its name and how a value in its units becomes the network input. */
interface ParamInput {
  readonly name: string
  readonly lo: number
  readonly hi: number
}

/** What a processor drives: an RNN kernel or the NAM WaveNet kernel (same block interface). */
type BlockKernel = Pick<RnnKernel, "process" | "reset" | "engine">

const processorOf = (kernel: BlockKernel, params: ReadonlyArray<ParamInput>, sampleRate: number | undefined, summary: string, source: string): StreamProcessor => {
  const condition = new Float64Array(params.length)
  return {
    process(input, output, values = {}) {
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!
        const v = values[p.name]
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new Error(`${source}: process needs params.${p.name} (a finite number); the model takes ${params.map((q) => q.name).join(", ")}`)
        }
        condition[i] = p.hi > p.lo ? (v - p.lo) / (p.hi - p.lo) : v
      }
      kernel.process(input, output, condition)
    },
    reset: () => kernel.reset(),
    latencySamples: 0,
    sampleRate,
    params: params.map((p) => p.name),
    engine: kernel.engine,
    summary
  }
}

const loadNam = (path: string): StreamProcessor => {
  const nam = readNam(path)
  if (nam.architecture === "WaveNet") {
    const arrays = nam.wavenet.arrays
    const summary = `${typeof nam.metadata["name"] === "string" ? `${nam.metadata["name"]}: ` : ""}NAM WaveNet ${arrays.map((a) => `${a.dilations.length}×${a.channels}`).join(" + ")} (receptive field ${namWaveNetReceptiveField(nam.wavenet)} samples, file version ${nam.version})`
    return processorOf(namWaveNetKernelFor(nam.wavenet), [], nam.sampleRate, summary, path)
  }
  const extra = Array.from({ length: nam.weights.inputSize - 1 }, (_, i) => ({ name: `input${i + 1}`, lo: 0, hi: 0 }))
  const name = typeof nam.metadata["name"] === "string" ? `${nam.metadata["name"]}: ` : ""
  const summary = `${name}NAM LSTM ${nam.weights.layers.length}×${nam.weights.hidden} (file version ${nam.version})`
  return processorOf(rnnKernelFor(nam.weights, "lstm"), extra, nam.sampleRate, summary, path)
}

/**
 * An RTNeural JSON model. Its conditioning inputs are the labels the file's `audioml` key names
 * (in their own units, normalised with the recorded ranges), else `input1`, `input2`, ... as is.
 */
const loadRtneural = (path: string): StreamProcessor => {
  const m = readRtneural(path)
  const w = m.weights
  const params = m.audioml?.condition?.map((c) => ({ name: c.name, lo: c.range[0], hi: c.range[1] })) ?? Array.from({ length: w.inputSize - 1 }, (_, i) => ({ name: `input${i + 1}`, lo: 0, hi: 0 }))
  const summary = `RTNeural ${m.cell === "lstm" ? "LSTM" : "GRU"} ${w.layers.length}×${w.hidden}${w.skip ? ", skip (audioml.skip)" : ""}${m.audioml?.summary !== undefined ? ` (${m.audioml.summary})` : ""}`
  return processorOf(rnnKernelFor(w, m.cell), params, m.audioml?.sample_rate, summary, path)
}

/** model-meta.json's fields used here (the full type lives with the Model artifact). */
interface ModelMetaFields {
  readonly uses: string
  readonly params: Readonly<Record<string, unknown>>
  readonly summary: string
  readonly sample_rate: number
  readonly condition: ReadonlyArray<{ readonly name: string; readonly range: readonly [number, number] }>
}

const readJson = (path: string): unknown => {
  try {
    return JSON.parse(readFileSync(path, "utf8"))
  } catch (e) {
    throw new Error(`${path}: not readable JSON (${(e as Error).message})`)
  }
}

/** float32 weights by name from tfjs's model.json manifest + weights.bin. */
const readTfjsWeights = (dir: string): Map<string, Float32Array> => {
  const manifest = (readJson(join(dir, "model.json")) as { weightsManifest?: Array<{ weights: Array<{ name: string; shape: number[]; dtype: string }> }> }).weightsManifest ?? []
  const bin = readFileSync(join(dir, "weights.bin"))
  const out = new Map<string, Float32Array>()
  let offset = 0
  for (const spec of manifest.flatMap((g) => g.weights)) {
    if (spec.dtype !== "float32") throw new Error(`${dir}: weight "${spec.name}" is ${spec.dtype}, expected float32`)
    const count = spec.shape.reduce((a, b) => a * b, 1)
    if (offset + 4 * count > bin.byteLength) throw new Error(`${dir}: weights.bin is shorter than its manifest (at "${spec.name}")`)
    const values = new Float32Array(count)
    new Uint8Array(values.buffer).set(bin.subarray(offset, offset + 4 * count))
    out.set(spec.name, values)
    offset += 4 * count
  }
  return out
}

const isModelDir = (dir: string): boolean => existsSync(join(dir, "model-meta.json")) && existsSync(join(dir, "model.json"))

/** The model kinds the streaming processor runs from a model folder. */
const STREAMED = ["model.rnn", "model.wavenet", "model.tcn"]

/** The model folder of `dir`: itself, or the one model.rnn / model.wavenet / model.tcn Model node of a run folder. */
const modelDirOf = (dir: string): string => {
  if (isModelDir(dir)) return dir
  const manifest = join(dir, "manifest.json")
  if (!existsSync(manifest)) throw new Error(`${dir}: neither a model folder (model-meta.json + model.json) nor a run folder (manifest.json)`)
  const nodes = ((readJson(manifest) as { nodes?: Array<{ id: string; kind?: string }> }).nodes ?? []).filter((n) => n.kind === "Model" && isModelDir(join(dir, n.id)))
  const effects = nodes.filter((n) => STREAMED.includes(String((readJson(join(dir, n.id, "model-meta.json")) as { uses?: string }).uses)))
  if (effects.length !== 1) throw new Error(`${dir}: the run has ${effects.length} model.rnn / model.wavenet / model.tcn models; give the model folder itself`)
  return join(dir, effects[0]!.id)
}

const loadModelDir = (dir: string): StreamProcessor => {
  const modelDir = modelDirOf(dir)
  const meta = readJson(join(modelDir, "model-meta.json")) as ModelMetaFields
  if (!STREAMED.includes(meta.uses)) throw new Error(`${modelDir}: the streaming processor runs model.rnn, model.wavenet and causal model.tcn folders, .nam and RTNeural files, not ${meta.uses}`)
  const inputSize = 1 + meta.condition.length
  const params = meta.condition.map((c) => ({ name: c.name, lo: c.range[0], hi: c.range[1] }))
  if (meta.uses === "model.wavenet") {
    // causal from zero history: the first samples are the zero-padded start the model trained with
    const kernel = namWaveNetKernelFor(wavenetKernelWeights(meta.params, inputSize, readTfjsWeights(modelDir)))
    return processorOf(kernel, params, meta.sample_rate, meta.summary, modelDir)
  }
  if (meta.uses === "model.tcn") {
    if (meta.params["causal"] === false) throw new Error(`${modelDir}: a centred model.tcn (causal = false) sees the future and cannot stream; use audioml process, which runs it whole`)
    const kernel = tcnKernelFor(tcnKernelWeights(meta.params, inputSize, readTfjsWeights(modelDir)))
    return processorOf(kernel, params, meta.sample_rate, meta.summary, modelDir)
  }
  const p = rnnParamsOf(meta.params)
  const weights = rnnWeightsFrom(readTfjsWeights(modelDir), p, inputSize)
  return processorOf(rnnKernelFor(weights, rnnCellKind(p)), params, meta.sample_rate, meta.summary, modelDir)
}

/**
 * Loads a model for streaming: a `.nam` file (NAM LSTM or WaveNet), an RTNeural `.json` file
 * (LSTM or GRU layers and a dense output; formats/rtneural.ts), a model folder (model-meta.json,
 * model.json, weights.bin of a trained model.rnn, model.wavenet or causal model.tcn) or a run folder
 * with one such model.
 * Errors name the path and what is wrong.
 */
export const loadModel = async (path: string, options: LoadModelOptions = {}): Promise<StreamProcessor> => {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`)
  const ext = extname(path).toLowerCase()
  const fx = statSync(path).isDirectory()
    ? loadModelDir(path)
    : ext === ".nam"
      ? loadNam(path)
      : ext === ".json"
        ? isModelDir(dirname(path)) && basename(path) === "model.json"
          ? loadModelDir(dirname(path)) // a model folder's tfjs model.json
          : loadRtneural(path)
        : undefined
  if (fx === undefined) throw new Error(`${path}: not a .nam file, RTNeural .json file, model folder or run folder`)
  if (options.sampleRate !== undefined && fx.sampleRate !== undefined && options.sampleRate !== fx.sampleRate) {
    throw new Error(`${path}: the model runs at ${fx.sampleRate} Hz, the host at ${options.sampleRate} Hz; resample the audio to ${fx.sampleRate} Hz`)
  }
  return fx
}

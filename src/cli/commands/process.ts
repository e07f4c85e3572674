import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import type { Signal } from "../../dsp/signal.js"
import { encodeWav } from "../../audio/wav.js"
import { resampleSignal } from "../../dsp/resample.js"
import { MODEL_META, type LabelNorm, type ModelArtifact, type ModelMeta, normaliseLabel } from "../../ml/model-meta.js"
import { MODEL_JSON, WEIGHTS_BIN } from "../../ml/model-files.js"
import { loadPredictor } from "../../ml/predictor.js"
import { applyBackendFlag, backendFlag } from "../backend-flag.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"
import { badInput, toUserError, UserError } from "../user-error.js"
import { readInputWav } from "../read-input-wav.js"
import { loadModel, type StreamProcessor } from "../../ml/stream/processor.js"

/**
 * `audioml process --model <run-dir|model-dir|file.nam|file.json> <in.wav> <out.wav> [--param label=value ...]`
 * Applies a trained effect model to a WAV file, every channel on its own, with the given
 * conditioning values. model.rnn runs through the typed-array kernels (no tfjs).
 */
export interface ProcessOptions {
  readonly model: string
  readonly input: string
  readonly output: string
  readonly params?: ReadonlyArray<string>
}

export interface ProcessResult {
  readonly modelDir: string
  readonly summary: string
  readonly engine: string
  readonly condition: Record<string, number | string>
  readonly seconds: number
  readonly sampleRate: number
  readonly channels: number
  readonly resampledFrom?: number
}

const isModelDir = (dir: string): boolean => existsSync(join(dir, MODEL_META)) && existsSync(join(dir, MODEL_JSON))

/**
 * The model folder: `dir` itself, or the one Model node of a run folder (runs/<name>/<id>/).
 * `accept` (with `what` naming it in errors) keeps only the models a command can use, e.g.
 * the parameter predictor of a run that also trained a tone embedding.
 */
export const findModelDir = (dir: string, accept?: (meta: ModelMeta) => boolean, what = "model"): string => {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw badInput(`--model ${dir}: no such folder (give a run folder or a model folder)`)
  if (isModelDir(dir)) {
    const meta = JSON.parse(readFileSync(join(dir, MODEL_META), "utf8")) as ModelMeta
    if (accept !== undefined && !accept(meta)) throw badInput(`--model ${dir}: a ${meta.uses} model, not a ${what}`)
    return dir
  }
  const manifestPath = join(dir, "manifest.json")
  if (!existsSync(manifestPath)) throw badInput(`--model ${dir}: neither a model folder (${MODEL_META} + ${MODEL_JSON}) nor a run folder (manifest.json)`)
  let nodes: Array<{ id: string; kind?: string }>
  try {
    nodes = (JSON.parse(readFileSync(manifestPath, "utf8")) as { nodes?: Array<{ id: string; kind?: string }> }).nodes ?? []
  } catch (e) {
    throw badInput(`--model ${dir}: manifest.json is not valid JSON (${(e as Error).message})`)
  }
  const metaOf = (id: string) => JSON.parse(readFileSync(join(dir, id, MODEL_META), "utf8")) as ModelMeta
  const trained = nodes.filter((n) => n.kind === "Model" && isModelDir(join(dir, n.id)))
  if (trained.length === 0) throw badInput(`--model ${dir}: the run has no trained model (no train stage finished)`)
  const models = accept === undefined ? trained : trained.filter((n) => accept(metaOf(n.id)))
  if (models.length === 0) throw badInput(`--model ${dir}: the run has no ${what} (its models: ${trained.map((n) => `${n.id} (${metaOf(n.id).uses})`).join(", ")})`)
  const effectModels = models.filter((n) => {
    const meta = JSON.parse(readFileSync(join(dir, n.id, MODEL_META), "utf8")) as ModelMeta
    return meta.model_kind === "recurrent" || meta.model_kind === "convolutional"
  })
  const candidates = effectModels.length > 0 ? effectModels : models
  if (candidates.length > 1) {
    throw badInput(`--model ${dir}: the run has several models (${candidates.map((n) => n.id).join(", ")}); choose one with --model ${join(dir, candidates[0]!.id)}`)
  }
  return join(dir, candidates[0]!.id)
}

export const readModel = (dir: string): ModelArtifact => {
  const files = new Map<string, Uint8Array>()
  for (const name of [MODEL_JSON, WEIGHTS_BIN]) {
    const path = join(dir, name)
    if (!existsSync(path)) throw badInput(`--model ${dir}: ${name} is missing`)
    files.set(name, readFileSync(path))
  }
  const meta = JSON.parse(readFileSync(join(dir, MODEL_META), "utf8")) as ModelMeta
  return { files, meta }
}

const describeLabel = (n: LabelNorm): string =>
  `${n.name} (${n.range[0]} to ${n.range[1]}${n.map !== undefined ? `; or ${Object.keys(n.map).join(" / ")}` : ""})`

/** --param label=value into the model's normalised conditioning vector. */
export const conditionFromParams = (meta: ModelMeta, assignments: ReadonlyArray<string>, warn: (m: string) => void = () => {}): { values: Float32Array; given: Record<string, number | string> } => {
  const given = new Map<string, string>()
  for (const a of assignments) {
    const m = /^([^=\s]+)=(.+)$/.exec(a.trim())
    if (m === null) throw badInput(`--param ${a}: expected label=value, e.g. --param ${meta.condition[0]?.name ?? "drive"}=0.5`)
    const known = meta.condition.find((c) => c.name === m[1])
    if (known === undefined) {
      throw badInput(
        `--param ${a}: the model has no conditioning label "${m[1]}"` +
          (meta.condition.length > 0 ? ` (it takes ${meta.condition.map(describeLabel).join(", ")})` : " (it takes no --param)")
      )
    }
    given.set(m[1]!, m[2]!)
  }
  const missing = meta.condition.filter((c) => !given.has(c.name))
  if (missing.length > 0) {
    throw badInput(
      `missing --param for ${missing.map(describeLabel).join(", ")}: the model is conditioned on ${meta.condition.map((c) => c.name).join(", ")}, ` +
        `e.g. ${meta.condition.map((c) => `--param ${c.name}=${c.range[0]}`).join(" ")}`
    )
  }
  const out: Record<string, number | string> = {}
  const values = Float32Array.from(meta.condition, (c) => {
    const text = given.get(c.name)!
    const mapped = c.map?.[text]
    const value = mapped ?? Number(text)
    if (!Number.isFinite(value)) throw badInput(`--param ${c.name}=${text}: not a number${c.map !== undefined ? ` nor one of ${Object.keys(c.map).join(", ")}` : ""}`)
    if (value < c.range[0] || value > c.range[1]) warn(`--param ${c.name}=${text} is outside the trained range ${c.range[0]} to ${c.range[1]}: the model extrapolates`)
    out[c.name] = mapped !== undefined ? text : value
    return normaliseLabel(c, value)
  })
  return { values, given: out }
}


/**
 * A model file (a NAM capture .nam, an RTNeural .json) through the streaming processor. Its
 * extra input channels, if any, are --param input1=..., input2=... (or, for an RTNeural file
 * audioml wrote, the labels it records, in their units); the WAV must be at the model's rate
 * (a capture is only valid at its own rate, so a mismatch is refused rather than resampled).
 * An RTNeural file that does not record its rate runs at the WAV's.
 */
const processModelFile = async (o: ProcessOptions): Promise<ProcessResult> => {
  let fx: StreamProcessor
  try {
    fx = await loadModel(o.model)
  } catch (e) {
    throw badInput(`--model ${(e as Error).message}`)
  }
  const values: Record<string, number> = {}
  for (const a of o.params ?? []) {
    const m = /^([^=\s]+)=(.+)$/.exec(a.trim())
    if (m === null || !fx.params.includes(m[1]!) || !Number.isFinite(Number(m[2]))) {
      throw badInput(`--param ${a}: ${o.model} takes ${fx.params.length === 0 ? "no --param" : fx.params.map((p) => `--param ${p}=<number>`).join(" ")}`)
    }
    values[m[1]!] = Number(m[2])
  }
  const missing = fx.params.filter((p) => values[p] === undefined)
  if (missing.length > 0) throw badInput(`missing ${missing.map((p) => `--param ${p}=<number>`).join(" ")}: ${o.model} has ${fx.params.length} extra input(s)`)
  checkOutputPath(o.output, [{ role: "input", path: o.input }, { role: "model file", path: o.model }])
  const signal = readInputWav(o.input)
  if (fx.sampleRate !== undefined && signal.sampleRate !== fx.sampleRate) {
    throw badInput(`${o.input} is at ${signal.sampleRate} Hz but ${o.model} was captured at ${fx.sampleRate} Hz; resample the input to ${fx.sampleRate} Hz first`)
  }
  const channels = signal.channels.map((ch) => {
    fx.reset()
    const out = new Float32Array(ch.length)
    fx.process(ch, out, values)
    return out
  })
  writeOutputAtomic(o.output, encodeWav({ sampleRate: signal.sampleRate, channels }))
  return {
    modelDir: o.model,
    summary: fx.summary,
    engine: fx.engine,
    condition: values,
    seconds: (signal.channels[0]?.length ?? 0) / signal.sampleRate,
    sampleRate: signal.sampleRate,
    channels: signal.channels.length
  }
}

/** The whole command without the CLI layer; throws UserError (exit 2 on bad input). */
export const processFile = async (o: ProcessOptions, warn: (m: string) => void = () => {}): Promise<ProcessResult> => {
  const lower = o.model.toLowerCase()
  if (lower.endsWith(".nam")) return processModelFile(o)
  // An RTNeural .json; a model folder's own model.json means its folder.
  if (lower.endsWith(".json") && existsSync(o.model) && statSync(o.model).isFile()) {
    if (basename(o.model) === MODEL_JSON && existsSync(join(dirname(o.model), MODEL_META))) return processFile({ ...o, model: dirname(o.model) }, warn)
    return processModelFile(o)
  }
  const dir = findModelDir(o.model)
  checkOutputPath(o.output, [{ role: "input", path: o.input }, ...readdirSync(dir).map((f) => ({ role: "model file", path: join(dir, f) }))])
  const model = readModel(dir)
  const { meta } = model
  if (meta.model_kind !== "recurrent" && meta.model_kind !== "convolutional") {
    throw badInput(`--model ${dir}: ${meta.uses} predicts labels from features; process applies effect models (model.rnn, model.tcn, model.wavenet)`)
  }
  const { values, given } = conditionFromParams(meta, o.params ?? [], warn)
  const original = readInputWav(o.input)
  const signal = original.sampleRate === meta.sample_rate ? original : resampleSignal(original, meta.sample_rate)
  const predictor = await loadPredictor(model)
  let out: Signal
  try {
    out = { sampleRate: signal.sampleRate, channels: signal.channels.map((ch) => predictor.processAudio(ch, values)) }
  } finally {
    predictor.dispose()
  }
  writeOutputAtomic(o.output, encodeWav(out))
  return {
    modelDir: dir,
    summary: meta.summary,
    engine: predictor.engine,
    condition: given,
    seconds: (signal.channels[0]?.length ?? 0) / signal.sampleRate,
    sampleRate: signal.sampleRate,
    channels: signal.channels.length,
    ...(original.sampleRate !== meta.sample_rate ? { resampledFrom: original.sampleRate } : {})
  }
}

export const processCommand = Command.make(
  "process",
  {
    model: Flag.String("model").pipe(Flag.withDescription("A run folder (runs/<name>/<id>), a model folder (with model.json, weights.bin, model-meta.json), a NAM capture (.nam), or an RTNeural model (.json)")),
    input: Argument.String("in.wav").pipe(Argument.withDescription("Dry input WAV (resampled to the model's rate if needed; channels processed separately)")),
    output: Argument.String("out.wav").pipe(Argument.withDescription("Output WAV (32-bit float)")),
    param: Flag.String("param").pipe(Flag.atLeast(0), Flag.withDescription("Conditioning value label=value, e.g. --param peak_reduction=60 --param limit=0")),
    backend: backendFlag
  },
  (args) =>
    Effect.gen(function* () {
      applyBackendFlag(args.backend)
      const result = yield* Effect.tryPromise({
        try: () => processFile({ model: args.model, input: args.input, output: args.output, params: args.param }, (m) => process.stderr.write(`audioml: warning: ${m}\n`)),
        catch: (e) => toUserError(e) ?? new UserError({ message: (e as Error).message, exitCode: 1 })
      })
      const cond = Object.entries(result.condition).map(([k, v]) => `${k}=${v}`).join(", ")
      process.stdout.write(
        `${args.output}: ${result.seconds.toFixed(2)} s at ${result.sampleRate} Hz, ${result.channels} channel(s)${result.resampledFrom !== undefined ? ` (resampled from ${result.resampledFrom} Hz)` : ""}; ` +
          `${result.summary}${cond !== "" ? ` with ${cond}` : ""}; ${result.engine}\n`
      )
    })
).pipe(Command.withDescription("Apply a trained effect model to a WAV file, with conditioning values (--param label=value)"))

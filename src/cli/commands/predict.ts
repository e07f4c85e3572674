import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import * as Option from "effect/Option"
import { encodeWav } from "../../audio/wav.js"
import { monoSignal } from "../../dsp/signal.js"
import { loadPredictor } from "../../ml/predictor.js"
import { renderNote } from "../../synth/render.js"
import { formatAmsynthBank } from "../../synth/presets/amsynth-bank.js"
import { amsynthParamsProgram, encodeFxp } from "../../synth/presets/vst-preset.js"
import { applyBackendFlag, backendFlag } from "../backend-flag.js"
import { jsonFlag } from "../shared-flags.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"
import { badInput, toUserError, UserError } from "../user-error.js"
import { estimateNote, isParamModel, loadRunModel, presetFromOutputs, presetNameOf, predictAudio, readMonoAt, type PredictedParam } from "./synth-models.js"

/**
 * `audioml predict --model <run> <in.wav> [--json] [--out preset.amSynth.bank|.fxp] [--resynth resynth.wav]`
 * Predicts the synth parameters of a recorded note with a trained parameter model
 * (model.param_regressor), prints them (named, in units and normalised), writes them as a
 * preset (an amsynth bank of one preset, or a VST .fxp of amsynth's parameters) and renders
 * the preset with our synth (`resynth.wav` beside --out, or --resynth) at the note found in
 * the input (YIN) or --note.
 */
export interface PredictOptions {
  readonly model: string
  readonly input: string
  readonly out?: string
  readonly resynth?: string
  readonly note?: number
  readonly noteSeconds?: number
}

export interface PredictResult {
  readonly model: string
  readonly summary: string
  readonly input: string
  readonly preset: string
  readonly note: number
  readonly params: ReadonlyArray<PredictedParam>
  readonly out?: string
  readonly resynth?: string
  readonly resampled_from?: number
}

/** The whole command without the CLI layer; throws UserError (exit 2 on bad input). */
export const predictFile = async (o: PredictOptions): Promise<PredictResult> => {
  const { dir, model } = loadRunModel(o.model, isParamModel, "parameter model (model.param_regressor)")
  const { meta } = model
  const format = o.out === undefined ? undefined : /\.fxp$/i.test(o.out) ? "fxp" : /\.bank$/i.test(o.out) ? "bank" : undefined
  if (o.out !== undefined && format === undefined) throw badInput(`--out ${o.out}: write an amsynth bank (.amSynth.bank or .bank) or a VST preset (.fxp)`)
  const resynth = o.resynth ?? (o.out !== undefined ? join(dirname(o.out), "resynth.wav") : undefined)
  const reads = [{ role: "input", path: o.input }, ...readdirSync(dir).map((f) => ({ role: "model file", path: join(dir, f) }))]
  if (o.out !== undefined) checkOutputPath(o.out, reads)
  if (resynth !== undefined) checkOutputPath(resynth, [...reads, ...(o.out !== undefined ? [{ role: "preset output", path: o.out }] : [])])
  if (o.note !== undefined && !(Number.isInteger(o.note) && o.note >= 0 && o.note <= 127)) throw badInput(`--note ${o.note}: a MIDI note 0 to 127`)
  const { audio, resampledFrom } = readMonoAt(o.input, meta.sample_rate)
  if (audio.length === 0) throw badInput(`${o.input}: no samples`)
  const predictor = await loadPredictor(model)
  let row: Float32Array
  try {
    row = predictAudio(predictor, meta, audio, o.input)
  } finally {
    predictor.dispose()
  }
  const { preset, params } = presetFromOutputs(meta, row, presetNameOf(o.input))
  const note = o.note ?? estimateNote(audio, meta.sample_rate) ?? 60
  if (o.out !== undefined) writeOutputAtomic(o.out, format === "fxp" ? encodeFxp(amsynthParamsProgram(preset)) : formatAmsynthBank([preset]))
  if (resynth !== undefined) {
    const seconds = audio.length / meta.sample_rate
    const rendered = renderNote(preset.values, { sampleRate: meta.sample_rate, seconds, noteSeconds: o.noteSeconds ?? Math.min(3, 0.75 * seconds), note, velocity: 100, seed: 1 })
    writeOutputAtomic(resynth, encodeWav(monoSignal(meta.sample_rate, rendered)))
  }
  return {
    model: dir,
    summary: meta.summary,
    input: o.input,
    preset: preset.name,
    note,
    params,
    ...(o.out !== undefined ? { out: o.out } : {}),
    ...(resynth !== undefined ? { resynth } : {}),
    ...(resampledFrom !== undefined ? { resampled_from: resampledFrom } : {})
  }
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4))

/** The text table `audioml predict` prints. */
export const formatPrediction = (r: PredictResult): string => {
  const width = Math.max(...r.params.map((p) => p.name.length))
  const lines = r.params.map((p) => {
    const unit = p.unit !== "" && p.unit !== "x" ? ` (${fmt(p.unit_value)} ${p.unit})` : p.unit === "x" ? ` (×${fmt(p.unit_value)})` : ""
    const named = p.value_name !== undefined ? ` ${p.value_name}${p.probability !== undefined ? ` p=${p.probability.toFixed(2)}` : ""}` : ""
    return `  ${p.name.padEnd(width)}  ${fmt(p.value).padStart(8)}${named}${unit}  normalised ${p.normalised.toFixed(3)}`
  })
  return [
    `${r.input}: predicted preset "${r.preset}" (${r.model}, ${r.summary})`,
    ...lines,
    ...(r.out !== undefined ? [`preset written to ${r.out}`] : []),
    ...(r.resynth !== undefined ? [`resynthesis at MIDI note ${r.note} written to ${r.resynth}`] : [])
  ].join("\n")
}


export const predictCommand = Command.make(
  "predict",
  {
    model: Flag.String("model").pipe(Flag.withDescription("A run folder (runs/<name>/<id>) with a trained parameter model, or its model folder")),
    input: Argument.String("in.wav").pipe(Argument.withDescription("A recorded note (resampled to the model's rate if needed; channels averaged)")),
    json: jsonFlag,
    out: Flag.String("out").pipe(Flag.optional, Flag.withDescription("Write the preset: an amsynth bank (.amSynth.bank/.bank) or a VST preset (.fxp); resynth.wav goes beside it")),
    resynth: Flag.String("resynth").pipe(Flag.optional, Flag.withDescription("Where to write the resynthesis (default: resynth.wav beside --out)")),
    note: Flag.Int("note").pipe(Flag.optional, Flag.withDescription("MIDI note of the resynthesis (default: found in the input by YIN, else 60)")),
    backend: backendFlag
  },
  (args) =>
    Effect.gen(function* () {
      applyBackendFlag(args.backend)
      const out = Option.getOrUndefined(args.out)
      const resynth = Option.getOrUndefined(args.resynth)
      const note = Option.getOrUndefined(args.note)
      const result = yield* Effect.tryPromise({
        try: () => predictFile({ model: args.model, input: args.input, ...(out !== undefined ? { out } : {}), ...(resynth !== undefined ? { resynth } : {}), ...(note !== undefined ? { note } : {}) }),
        catch: (e) => toUserError(e) ?? new UserError({ message: (e as Error).message, exitCode: 1 })
      })
      process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatPrediction(result)}\n`)
    })
).pipe(Command.withDescription("Predict a synth preset from a recorded note with a trained parameter model; write it (.bank/.fxp) and its resynthesis"))

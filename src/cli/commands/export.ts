import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { namFromRnnWeights, NamFormatError } from "../../ml/formats/nam.js"
import { rtneuralFromRnnWeights, RtneuralFormatError } from "../../ml/formats/rtneural.js"
import { rnnWeightsFrom } from "../../ml/kernels/weights.js"
import { MODEL_META, type ModelMeta } from "../../ml/model-meta.js"
import { decodeFloat32Weights, MODEL_JSON, WEIGHTS_BIN } from "../../ml/model-files.js"
import { rnnCellKind, rnnParamsOf } from "../../ml/models/rnn.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"
import { badInput, UserError } from "../user-error.js"
import { findModelDir } from "./process.js"

/**
 * `audioml export --model <run-or-model-dir> --format nam|rtneural --out FILE`
 * Writes a trained model.rnn as a file other tools load:
 * - `nam`: a Neural Amp Modeler `.nam` LSTM (NAM's LSTM has no skip connection, so a model
 *   trained with skip = true is refused; GRUs are refused: NAM has no GRU);
 * - `rtneural`: RTNeural's JSON (ml/formats/rtneural.ts): LSTM or reset-after GRU layers and
 *   the dense head; a reset-before GRU is refused; skip = true is recorded in the extra key
 *   `audioml.skip` (RTNeural has no residual: the host adds the dry input).
 * Conditioning labels become extra input channels, in the model's label order, normalised to [0, 1].
 */
export interface ExportOptions {
  readonly model: string
  readonly format: string
  readonly out: string
}

/** Export without the CLI layer; throws UserError (exit 2 on bad input). Returns a one-line description. */
export const exportModel = (o: ExportOptions): string => {
  if (!(EXPORT_FORMATS as ReadonlyArray<string>).includes(o.format)) throw badInput(`--format ${o.format}: audioml exports ${EXPORT_FORMATS.map((f) => `"${f}"`).join(" or ")}`)
  const what = o.format === "nam" ? ".nam" : "RTNeural JSON"
  const dir = findModelDir(o.model)
  const meta = JSON.parse(readFileSync(join(dir, MODEL_META), "utf8")) as ModelMeta
  if (meta.uses !== "model.rnn") throw badInput(`--model ${dir}: ${meta.uses} cannot be written as ${what} (audioml exports model.rnn ${o.format === "nam" ? "LSTMs" : "LSTMs and GRUs"})`)
  const p = rnnParamsOf(meta.params)
  if (p.mu_law !== undefined) throw badInput(`--model ${dir}: a model.rnn with a μ-law input channel (mu_law = ${p.mu_law}) has no ${what} equivalent: the format's input is the plain sample; run it with audioml process or audioml stream`)
  if (p.output === "gain") throw badInput(`--model ${dir}: a model.rnn with output = "gain" (x·exp(g) + r) has no ${what} equivalent: neither format has a multiplicative output; run it with audioml process or audioml stream`)
  const modelFiles = [MODEL_JSON, WEIGHTS_BIN, MODEL_META].map((name) => join(dir, name))
  checkOutputPath(o.out, modelFiles.map((path) => ({ role: "model file", path })))
  const files = new Map([MODEL_JSON, WEIGHTS_BIN].map((name) => [name, readFileSync(join(dir, name))] as const))
  const weights = rnnWeightsFrom(decodeFloat32Weights(files), p, 1 + meta.condition.length)
  const model = `--model ${dir}`
  let doc: Record<string, unknown>
  try {
    doc =
      o.format === "nam"
        ? namFromRnnWeights(weights, p.cell, meta.sample_rate, { name: meta.summary, training_esr: meta.training.best_val_loss, inputs: ["audio", ...meta.condition.map((c) => `${c.name} (${c.range[0]} to ${c.range[1]}, normalised to 0..1)`)] }, model)
        : rtneuralFromRnnWeights(weights, rnnCellKind(p), { skip: weights.skip, sample_rate: meta.sample_rate, condition: meta.condition.map((c) => ({ name: c.name, range: c.range })), summary: meta.summary }, model)
  } catch (e) {
    if (e instanceof NamFormatError || e instanceof RtneuralFormatError) throw badInput(e.message)
    throw e
  }
  // temp file + rename: never a half-written file at --out
  writeOutputAtomic(o.out, JSON.stringify(doc))
  const shape = `${weights.layers.length}×${weights.hidden}, ${meta.condition.length} extra input(s), ${meta.sample_rate} Hz (from ${dir})`
  if (o.format === "nam") return `${o.out}: NAM LSTM ${shape}`
  const skip = weights.skip ? "; skip: RTNeural has no residual, so a host running it in RTNeural adds the dry input to the output (recorded as audioml.skip, which audioml's loader applies)" : ""
  return `${o.out}: RTNeural ${p.cell === "lstm" ? "LSTM" : "GRU"} ${shape}${skip}`
}

/** The formats `audioml export` writes. */
export const EXPORT_FORMATS = ["nam", "rtneural"] as const

export const exportCommand = Command.make(
  "export",
  {
    model: Flag.String("model").pipe(Flag.withDescription("A run folder (runs/<name>/<id>) or a model folder of a trained model.rnn")),
    format: Flag.String("format").pipe(Flag.withDescription('Output format: "nam" (Neural Amp Modeler, LSTM) or "rtneural" (RTNeural JSON, LSTM or GRU)')),
    out: Flag.String("out").pipe(Flag.withDescription("The file to write, e.g. amp.nam or amp.json"))
  },
  (args) =>
    Effect.gen(function* () {
      const line = yield* Effect.try({
        try: () => exportModel({ model: args.model, format: args.format, out: args.out }),
        catch: (e) => (e instanceof UserError ? e : new UserError({ message: (e as Error).message, exitCode: 1 }))
      })
      process.stdout.write(`${line}\n`)
    })
).pipe(Command.withDescription("Write a trained model as a file other tools load (.nam, RTNeural .json)"))

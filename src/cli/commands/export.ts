import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { namFromRnnWeights, NamFormatError } from "../../ml/formats/nam.js"
import { rnnWeightsFrom } from "../../ml/kernels/weights.js"
import { MODEL_META, type ModelMeta } from "../../ml/model-meta.js"
import { decodeFloat32Weights, MODEL_JSON, WEIGHTS_BIN } from "../../ml/model-files.js"
import { rnnParamsOf } from "../../ml/models/rnn.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"
import { badInput, UserError } from "../user-error.js"
import { findModelDir } from "./process.js"

/**
 * `audioml export --model <run-or-model-dir> --format nam --out FILE`
 * Writes a trained model.rnn LSTM as a Neural Amp Modeler `.nam` file (NAM's LSTM: no skip
 * connection, so a model trained with skip = true is refused). Conditioning labels become
 * NAM's extra input channels, in the model's label order, normalised to [0, 1].
 */
export interface ExportOptions {
  readonly model: string
  readonly format: string
  readonly out: string
}

/** Export without the CLI layer; throws UserError (exit 2 on bad input). Returns a one-line description. */
export const exportModel = (o: ExportOptions): string => {
  if (o.format !== "nam") throw badInput(`--format ${o.format}: audioml exports "nam" (RTNeural JSON is not implemented yet)`)
  const dir = findModelDir(o.model)
  const meta = JSON.parse(readFileSync(join(dir, MODEL_META), "utf8")) as ModelMeta
  if (meta.uses !== "model.rnn") throw badInput(`--model ${dir}: ${meta.uses} cannot be written as .nam (audioml exports model.rnn LSTMs)`)
  const p = rnnParamsOf(meta.params)
  const modelFiles = [MODEL_JSON, WEIGHTS_BIN, MODEL_META].map((name) => join(dir, name))
  checkOutputPath(o.out, modelFiles.map((path) => ({ role: "model file", path })))
  const files = new Map([MODEL_JSON, WEIGHTS_BIN].map((name) => [name, readFileSync(join(dir, name))] as const))
  const weights = rnnWeightsFrom(decodeFloat32Weights(files), p, 1 + meta.condition.length)
  let doc: Record<string, unknown>
  try {
    doc = namFromRnnWeights(weights, p.cell, meta.sample_rate, { name: meta.summary, training_esr: meta.training.best_val_loss, inputs: ["audio", ...meta.condition.map((c) => `${c.name} (${c.range[0]} to ${c.range[1]}, normalised to 0..1)`)] }, `--model ${dir}`)
  } catch (e) {
    if (e instanceof NamFormatError) throw badInput(e.message)
    throw e
  }
  // temp file + rename: never a half-written file at --out
  writeOutputAtomic(o.out, JSON.stringify(doc))
  return `${o.out}: NAM LSTM ${weights.layers.length}×${weights.hidden}, ${meta.condition.length} extra input(s), ${meta.sample_rate} Hz (from ${dir})`
}

export const exportCommand = Command.make(
  "export",
  {
    model: Flag.String("model").pipe(Flag.withDescription("A run folder (runs/<name>/<id>) or a model folder of a trained model.rnn LSTM")),
    format: Flag.String("format").pipe(Flag.withDescription('Output format: "nam" (Neural Amp Modeler)')),
    out: Flag.String("out").pipe(Flag.withDescription("The file to write, e.g. amp.nam"))
  },
  (args) =>
    Effect.gen(function* () {
      const line = yield* Effect.try({
        try: () => exportModel({ model: args.model, format: args.format, out: args.out }),
        catch: (e) => (e instanceof UserError ? e : new UserError({ message: (e as Error).message, exitCode: 1 }))
      })
      process.stdout.write(`${line}\n`)
    })
).pipe(Command.withDescription("Write a trained model as a file other tools load (.nam)"))

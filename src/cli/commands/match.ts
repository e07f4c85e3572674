import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Option from "effect/Option"
import { loadPredictor } from "../../ml/predictor.js"
import { presetKey } from "../../synth/preset-labels.js"
import { renderNote } from "../../synth/render.js"
import { rankIdentities } from "../../ml/tone-match.js"
import { applyBackendFlag, backendFlag } from "../backend-flag.js"
import { jsonFlag } from "../shared-flags.js"
import { badInput, toUserError, UserError } from "../user-error.js"
import { isEmbeddingModel, loadRunModel, predictAudio, readBankArgs, readMonoAt } from "./synth-models.js"

/**
 * `audioml match --model <run> <in.wav> --bank <files> [--top 5] [--note 60]`
 * Finds the presets that sound closest to a recorded note: every preset of the banks is
 * rendered with our synth (at --note, the bank note of evaluation, for --seconds with the
 * note released at --note-seconds, as source.synth renders), embedded by the run's trained
 * tone embedding (model.tone_embedding), and ranked by squared distance to the embedding
 * of the input. Presets that are the same sound (same parameters) are listed once.
 */
export interface MatchOptions {
  readonly model: string
  readonly input: string
  readonly banks: ReadonlyArray<string>
  readonly top?: number
  readonly note?: number
  readonly seconds?: number
  readonly noteSeconds?: number
  readonly onProgress?: (done: number, total: number) => void
}

export interface MatchResult {
  readonly model: string
  readonly input: string
  readonly presets: number
  readonly note: number
  readonly matches: ReadonlyArray<{ readonly rank: number; readonly name: string; readonly bank: string; readonly distance: number; readonly same_sound: ReadonlyArray<string> }>
}

/** The whole command without the CLI layer; throws UserError (exit 2 on bad input). */
export const matchFile = async (o: MatchOptions): Promise<MatchResult> => {
  const top = o.top ?? 5
  if (!(Number.isInteger(top) && top >= 1)) throw badInput(`--top ${top}: a whole number ≥ 1`)
  const note = o.note ?? 60
  if (!(Number.isInteger(note) && note >= 0 && note <= 127)) throw badInput(`--note ${note}: a MIDI note 0 to 127`)
  const seconds = o.seconds ?? 4
  if (!(seconds > 0 && seconds <= 60)) throw badInput(`--seconds ${seconds}: more than 0, at most 60`)
  const { dir, model } = loadRunModel(o.model, isEmbeddingModel, "tone embedding (model.tone_embedding)")
  const { meta } = model
  const presets = readBankArgs(o.banks)
  const { audio } = readMonoAt(o.input, meta.sample_rate)
  if (audio.length === 0) throw badInput(`${o.input}: no samples`)
  const predictor = await loadPredictor(model)
  try {
    const query = predictAudio(predictor, meta, audio, o.input)
    // one render and embedding per distinct sound
    const byKey = new Map<string, { names: string[]; banks: string[]; values: Float64Array }>()
    for (const p of presets) {
      const key = presetKey(p.values)
      const seen = byKey.get(key)
      if (seen === undefined) byKey.set(key, { names: [p.name], banks: [p.bank ?? ""], values: p.values })
      else seen.names.push(p.name), seen.banks.push(p.bank ?? "")
    }
    const bank: Array<{ identity: string; embedding: Float32Array }> = []
    let done = 0
    for (const [key, p] of byKey) {
      const rendered = renderNote(p.values, { sampleRate: meta.sample_rate, seconds, noteSeconds: o.noteSeconds ?? Math.min(3, seconds), note, velocity: 100, seed: 1 })
      bank.push({ identity: key, embedding: predictAudio(predictor, meta, rendered, `preset "${p.names[0]}"`) })
      o.onProgress?.(++done, byKey.size)
    }
    const ranked = rankIdentities(query, bank).slice(0, top)
    return {
      model: dir,
      input: o.input,
      presets: presets.length,
      note,
      matches: ranked.map((r, i) => {
        const p = byKey.get(r.identity)!
        return { rank: i + 1, name: p.names[0]!, bank: p.banks[0]!, distance: Math.round(r.distance * 1e6) / 1e6, same_sound: p.names.slice(1).map((n, j) => `${p.banks[j + 1]}/${n}`) }
      })
    }
  } finally {
    predictor.dispose()
  }
}

/** The text `audioml match` prints. */
export const formatMatches = (r: MatchResult): string =>
  [
    `${r.input}: nearest of ${r.presets} presets (rendered at MIDI note ${r.note}; ${r.model})`,
    ...r.matches.map((m) => `  ${String(m.rank).padStart(2)}. ${m.bank}/${m.name}  distance ${m.distance.toFixed(4)}${m.same_sound.length > 0 ? `  (same sound: ${m.same_sound.slice(0, 3).join(", ")}${m.same_sound.length > 3 ? ", …" : ""})` : ""}`)
  ].join("\n")


export const matchCommand = Command.make(
  "match",
  {
    model: Flag.String("model").pipe(Flag.withDescription("A run folder (runs/<name>/<id>) with a trained tone embedding, or its model folder")),
    input: Argument.String("in.wav").pipe(Argument.withDescription("A recorded note")),
    bank: Flag.String("bank").pipe(Flag.atLeast(1), Flag.withDescription('Preset files: amsynth .bank, .fxp/.fxb, folders, globs, or "factory" (repeat --bank for several)')),
    top: Flag.Int("top").pipe(Flag.withDefault(5), Flag.withDescription("How many presets to list")),
    note: Flag.Int("note").pipe(Flag.withDefault(60), Flag.withDescription("MIDI note the bank presets are rendered at")),
    seconds: Flag.Finite("seconds").pipe(Flag.optional, Flag.withDescription("Render length of the bank presets (default 4 s, note-off at 3 s)")),
    json: jsonFlag,
    backend: backendFlag
  },
  (args) =>
    Effect.gen(function* () {
      applyBackendFlag(args.backend)
      const seconds = Option.getOrUndefined(args.seconds)
      const tty = process.stderr.isTTY === true
      const result = yield* Effect.tryPromise({
        try: () =>
          matchFile({
            model: args.model,
            input: args.input,
            banks: args.bank,
            top: args.top,
            note: args.note,
            ...(seconds !== undefined ? { seconds } : {}),
            ...(tty ? { onProgress: (d: number, t: number) => process.stderr.write(`\rrendering presets ${d}/${t}${d === t ? "\n" : ""}`) } : {})
          }),
        catch: (e) => toUserError(e) ?? new UserError({ message: (e as Error).message, exitCode: 1 })
      })
      process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatMatches(result)}\n`)
    })
).pipe(Command.withDescription("List the presets of banks that sound closest to a recorded note (trained tone embedding)"))

import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { dirname, resolve } from "node:path"
import { encodeWav } from "../../audio/wav.js"
import { formatConfigError, type ConfigIssue } from "../../config/config-error.js"
import { displayPath, parseTomlFile } from "../../config/read-config.js"
import { didYouMean } from "../../params/did-you-mean.js"
import type { ChainItem } from "../../effects/chain.js"
import { processChain, type ProcessedChain } from "../../effects/process-chain.js"
import { chainIssues } from "../../effects/chain-validation.js"
import { badInput, UserError, toUserError } from "../user-error.js"
import { readInputWav } from "../read-input-wav.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"

/**
 * Parse and validate a chain file, `chain = [ { uses = "eq.peaking", freq = 1000, ... }, ... ]`
 * and nothing else. Every problem at once, each as
 * `<file>: chain[1].drive_db: must be <= 60 (got 100); allowed: 0 to 60 dB`.
 */
export const loadChainFile = (path: string): ReadonlyArray<ChainItem> => {
  const shown = displayPath(resolve(path))
  const parsed = parseTomlFile(resolve(path), shown)
  if (!parsed.ok) throw badInput(formatConfigError({ file: shown, issues: parsed.issues }))
  const data = parsed.data
  const issues: ConfigIssue[] = []
  for (const key of Object.keys(data)) {
    if (key !== "chain") issues.push({ path: key, message: `unknown key "${key}"${didYouMean(key, ["chain"])} (a chain file holds only chain = [...])` })
  }
  const chain = data["chain"]
  if (chain === undefined) issues.push({ path: "", message: 'missing chain = [ { uses = "<effect>", ... }, ... ]' })
  else issues.push(...chainIssues(chain))
  if (issues.length > 0) throw badInput(formatConfigError({ file: shown, issues }))
  return chain as ChainItem[]
}


export interface FxOptions {
  readonly input: string
  readonly output: string
  readonly chain: string
  readonly seed: number
}

export interface FxResult {
  readonly input: string
  readonly output: string
  readonly sample_rate: number
  readonly channels: number
  readonly samples: number
  readonly seed: number
  /** Every item's applied parameters (defaults filled, distributions drawn). */
  readonly chain: Array<Record<string, unknown>>
}

/**
 * `audioml fx` without the CLI: read a WAV, apply the chain from a chain.toml (distributions
 * drawn from `seed`), write a 32-bit float WAV at the input's rate. Bad files or
 * parameters throw UserError (exit 2).
 */
export const applyChainToFile = (o: FxOptions): FxResult => {
  checkOutputPath(o.output, [{ role: "input", path: o.input }, { role: "chain file", path: o.chain }])
  const chain = loadChainFile(o.chain)
  const signal = readInputWav(o.input)
  let processed: ProcessedChain
  try {
    processed = processChain(signal, chain, { seed: o.seed, baseDir: dirname(resolve(o.chain)) })
  } catch (e) {
    throw badInput(`${o.chain}: ${(e as Error).message}`)
  }
  writeOutputAtomic(o.output, encodeWav(processed.signal))
  return {
    input: o.input,
    output: o.output,
    sample_rate: signal.sampleRate,
    channels: signal.channels.length,
    samples: signal.channels[0]?.length ?? 0,
    seed: o.seed,
    chain: [...processed.params]
  }
}

export const fxCommand = Command.make(
  "fx",
  {
    input: Argument.String("in.wav").pipe(Argument.withDescription("Input WAV (any bit depth, any rate)")),
    output: Argument.String("out.wav").pipe(Argument.withDescription("Output WAV, 32-bit float, at the input's rate")),
    chain: Flag.String("chain").pipe(Flag.withDescription('TOML file with chain = [ { uses = "eq.peaking", freq = 1000, ... }, ... ]')),
    seed: Flag.Int("seed").pipe(Flag.optional, Flag.withDescription("Seed for parameters given as distributions (default 0)")),
    json: Flag.Boolean("json").pipe(Flag.withDefault(false), Flag.withDescription("Print the applied parameters as JSON"))
  },
  (args) =>
    Effect.gen(function* () {
      const result = yield* Effect.try({
        try: () =>
          applyChainToFile({ input: args.input, output: args.output, chain: args.chain, seed: Option.getOrElse(args.seed, () => 0) }),
        catch: (e) => toUserError(e) ?? new UserError({ message: (e as Error).message, exitCode: 1 })
      })
      if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
      else {
        const seconds = (result.samples / result.sample_rate).toFixed(2)
        process.stdout.write(
          `${result.output}: ${result.channels} ch, ${result.sample_rate} Hz, ${seconds} s <- ${result.chain.map((c) => c["uses"]).join(" -> ")}\n`
        )
      }
    })
).pipe(Command.withDescription("Apply an effect chain (chain.toml, the same syntax as a pipeline's effects.chain) to one WAV file"))

import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { dirname, resolve } from "node:path"
import type { Signal } from "../../dsp/signal.js"
import { encodeWav } from "../../audio/wav.js"
import { translateAjvErrors } from "../../config/ajv-messages.js"
import { formatConfigError, type ConfigIssue } from "../../config/config-error.js"
import { validatorFor } from "../../config/params-validator.js"
import { displayPath, parseTomlFile } from "../../config/read-config.js"
import { Rng } from "../../params/rng.js"
import { didYouMean } from "../../params/did-you-mean.js"
import { appliedParams, applyChain, chainItemSchema, resolveChain, type ChainItem } from "../../effects/chain.js"
import type { EffectDefinition } from "../../effects/effect-definition.js"
import { effectCatalog } from "../../effects/registry.js"
import { isTable, leafInfo, visitLeaves, type LeafInfo } from "../../params/values.js"
import { taggedUnion, type JsonSchema } from "../../params/schema.js"
import { badInput, UserError, toUserError } from "../user-error.js"
import { readInputWav } from "../read-input-wav.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"

const describeRange = (info: LeafInfo): string => {
  if (info.kind === "enum") return `allowed: ${(info.values ?? []).map((v) => JSON.stringify(v)).join(", ")}`
  if (info.minimum === undefined && info.maximum === undefined) return ""
  const unit = info.unit !== undefined ? ` ${info.unit}` : ""
  if (info.minimum !== undefined && info.maximum !== undefined) return `allowed: ${info.minimum} to ${info.maximum}${unit}`
  return info.minimum !== undefined ? `allowed: >= ${info.minimum}${unit}` : `allowed: <= ${info.maximum}${unit}`
}

/**
 * One item's schema ({ uses = "<this effect>", ...params, mix }), built once per effect.
 * Items are validated one by one against their own effect's schema: compiling the
 * schema of every effect at once would cost a noticeable start-up for a one-file command.
 */
const itemSchemas = new Map<string, JsonSchema>()
const itemSchemaOf = (def: EffectDefinition): JsonSchema => {
  let schema = itemSchemas.get(def.uses)
  if (schema === undefined) {
    schema = taggedUnion([{ uses: def.uses, schema: chainItemSchema(def) }])
    itemSchemas.set(def.uses, schema)
  }
  return schema
}

const itemIssues = (item: unknown, index: number): ConfigIssue[] => {
  const at = `chain[${index}]`
  if (!isTable(item)) return [{ path: at, message: 'must be a table { uses = "<effect>", ... }' }]
  const uses = item["uses"]
  if (uses === undefined) return [{ path: at, message: 'missing required key "uses"' }]
  const def = typeof uses === "string" ? effectCatalog.get(uses) : undefined
  if (def === undefined) return [{ path: `${at}.uses`, message: effectCatalog.unknownMessage(String(uses)) }]
  const schema = itemSchemaOf(def)
  const validate = validatorFor(schema)
  if (validate(item)) return []
  const ranges = new Map<string, LeafInfo>()
  visitLeaves(schema, item, (p, leafSchema) => {
    const info = leafSchema !== undefined ? leafInfo(leafSchema) : undefined
    if (info !== undefined) ranges.set(`${at}.${p}`, info)
  })
  return translateAjvErrors(validate.errors ?? [], item, { prefix: ["chain", index] }).map((issue) => {
    const info = ranges.get(issue.path)
    const range = info !== undefined ? describeRange(info) : ""
    return range === "" || info?.kind === "enum" ? issue : { ...issue, message: `${issue.message}; ${range}` }
  })
}

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
  else if (!Array.isArray(chain)) issues.push({ path: "chain", message: 'must be an array of tables [ { uses = "<effect>", ... }, ... ]' })
  else if (chain.length === 0) issues.push({ path: "chain", message: "must have at least 1 item (got 0)" })
  else chain.forEach((item, i) => issues.push(...itemIssues(item, i)))
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
  const rng = new Rng(o.seed)
  let wet: Signal
  let resolved: ReturnType<typeof resolveChain>
  try {
    resolved = resolveChain(chain, rng.fork("params"))
    wet = applyChain(signal, resolved, rng.fork("effects"), dirname(resolve(o.chain)))
  } catch (e) {
    throw badInput(`${o.chain}: ${(e as Error).message}`)
  }
  writeOutputAtomic(o.output, encodeWav(wet))
  return {
    input: o.input,
    output: o.output,
    sample_rate: signal.sampleRate,
    channels: signal.channels.length,
    samples: signal.channels[0]?.length ?? 0,
    seed: o.seed,
    chain: appliedParams(resolved)
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

import { isAbsolute, resolve } from "node:path"
import type { Signal } from "../dsp/signal.js"
import { drawParams } from "../params/draw.js"
import type { Rng } from "../params/rng.js"
import { object, type JsonSchema } from "../params/schema.js"
import { processEffectInto, type EffectDefinition } from "./effect-definition.js"
import { formatParamLabel, normaliseToRange, paramLabelRange, parseParamLabel, type LabelRange, type LabelValue } from "../params/labels.js"
import { leafInfo, visitLeaves, withDefaults } from "../params/values.js"
import type { Catalog } from "../params/catalog.js"
import { effectCatalog } from "./registry.js"
import { chainItemSchema } from "./chain-item-schema.js"
import { assertValidChain } from "./chain-validation.js"
import { ParameterError, withContext } from "../errors/audioml-error.js"

/**
 * An effect chain: `[{ uses = "eq.peaking", freq = 800, ... }, { uses = "distortion.tanh", ... }]`,
 * the same syntax in a pipeline's effects.chain stage and in `audioml fx`'s chain.toml.
 *
 * Every item also takes `mix` (0..1, default 1): y = (1 - mix) dry + mix wet, applied by
 * the chain, unless the effect has a `mix` of its own (then the effect applies it).
 * Any numeric parameter may be a distribution; `resolveChain` draws them all.
 */
export type ChainItem = { readonly uses: string; readonly [key: string]: unknown }

const schemas = new WeakMap<Catalog<EffectDefinition>, JsonSchema>()

/** The schema of a whole chain over the effects of `effects` (built once per catalog). */
export const chainSchema = (effects: Catalog<EffectDefinition> = effectCatalog): JsonSchema => {
  let schema = schemas.get(effects)
  if (schema === undefined) {
    schema = effects.listSchema({ description: "effects applied in order, each { uses = \"<effect>\", <params>... }", minItems: 1 }, chainItemSchema)
    schemas.set(effects, schema)
  }
  return schema
}

export { chainItemSchema, commonMix } from "./chain-item-schema.js"

/** One chain item with every parameter concrete (defaults filled, distributions drawn). */
export interface ResolvedItem {
  readonly index: number
  readonly def: EffectDefinition
  readonly params: Record<string, unknown>
  /** The chain's own mix, or undefined when the effect mixes itself. */
  readonly mix: number | undefined
}

export interface ResolvedChain {
  readonly items: ReadonlyArray<ResolvedItem>
  /** Values drawn from distributions, by path (`chain[0].gain_db`). */
  readonly drawn: Readonly<Record<string, unknown>>
}

/**
 * Check `chain` against its effects' schemas (a ParameterError lists every problem, with the
 * messages of `audioml fx`: `chain[0].drive_db: must be <= 60 (got 500); allowed: 0 to 60 dB`),
 * then fill defaults and draw every distribution of `chain` from `rng` with params/draw.ts
 * (in sorted path order, so TOML key order does not matter): draws are clamped to the
 * parameter's range, and integer parameters take each integer of a `uniform` range
 * equally often.
 */
export const resolveChain = (
  chain: ReadonlyArray<ChainItem>,
  rng: Rng,
  effects: Catalog<EffectDefinition> = effectCatalog
): ResolvedChain => {
  assertValidChain(chain, effects)
  const schema = chainSchema(effects)
  const filled = withDefaults(schema, chain) as ChainItem[]
  const { value, drawn } = drawParams(object({ chain: schema }), { chain: filled }, rng)
  const items = value.chain.map((item, index): ResolvedItem => {
    const def = effects.require(String(item["uses"]), `chain[${index}].uses`)
    const ownMix = "mix" in ((def.params["properties"] as Record<string, unknown> | undefined) ?? {})
    const { uses: _uses, ...rest } = item
    const params: Record<string, unknown> = { ...rest }
    let mix: number | undefined
    if (!ownMix) {
      mix = typeof params["mix"] === "number" ? (params["mix"] as number) : 1
      delete params["mix"]
    }
    return { index, def, params, mix }
  })
  return { items, drawn }
}

/**
 * String parameters that name files, by effect: a relative path is taken relative to the
 * config file's folder (the pipeline TOML or chain.toml), not the working directory.
 * Labels keep the path as written.
 */
const fileParams: Readonly<Record<string, ReadonlyArray<string>>> = { "reverb.convolve": ["ir"], "circuit.spice": ["netlist"] }

const withResolvedFiles = (item: ResolvedItem, baseDir: string | undefined): Record<string, unknown> => {
  const keys = fileParams[item.def.uses]
  if (baseDir === undefined || keys === undefined) return item.params
  const params = { ...item.params }
  for (const key of keys) {
    const v = params[key]
    if (typeof v === "string" && !isAbsolute(v)) params[key] = resolve(baseDir, v)
  }
  return params
}

/**
 * Apply one resolved item to one channel (with the chain's mix), into `output`: a buffer
 * of the input's length that is not `input` (see processEffectInto).
 */
export const applyItemInto = (
  item: ResolvedItem,
  input: Float32Array,
  output: Float32Array,
  sampleRate: number,
  rng: Rng,
  baseDir?: string
): void => {
  try {
    processEffectInto(item.def, input, output, sampleRate, withResolvedFiles(item, baseDir), rng)
  } catch (e) {
    throw withContext(e, `chain[${item.index}] (${item.def.uses})`)
  }
  const m = item.mix
  if (m === undefined || m === 1) return
  for (let i = 0; i < output.length; i++) output[i] = (1 - m) * input[i]! + m * output[i]!
}

/** Apply one resolved item to one channel (with the chain's mix): a new buffer. */
export const applyItem = (item: ResolvedItem, input: Float32Array, sampleRate: number, rng: Rng, baseDir?: string): Float32Array => {
  const output = new Float32Array(input.length)
  applyItemInto(item, input, output, sampleRate, rng, baseDir)
  return output
}

/**
 * Run a resolved chain over every channel of `signal`. `rng` feeds effects that use
 * randomness: item i on channel c gets `rng.fork("chain[i]").fork(c)`. `baseDir` is
 * where relative file parameters (reverb.convolve's `ir`) are found.
 *
 * The items run in place on two buffers per channel (item 0 reads the channel and writes
 * buffer A, item 1 reads A and writes B, item 2 writes A again, ...), and the buffer a
 * channel does not return is reused by the next channel: at most one allocation per
 * channel plus one, whatever the chain's length. The input signal is not modified.
 */
export const applyChain = (signal: Signal, chain: ResolvedChain, rng: Rng, baseDir?: string): Signal => {
  let spare: Float32Array | undefined
  const channels = signal.channels.map((channel, c) => {
    const n = channel.length
    if (chain.items.length === 0) return Float32Array.from(channel)
    let a: Float32Array | undefined = spare !== undefined && spare.length === n ? spare : undefined
    let b: Float32Array | undefined
    let x = channel
    for (const item of chain.items) {
      const out: Float32Array = x === a ? (b ??= new Float32Array(n)) : (a ??= new Float32Array(n))
      applyItemInto(item, x, out, signal.sampleRate, rng.fork(`chain[${item.index}]`).fork(c), baseDir)
      x = out
    }
    spare = x === a ? b : a
    return x
  })
  return { sampleRate: signal.sampleRate, channels }
}

export interface LabelOptions {
  /** Label name prefix (`fx` gives `fx.0.eq.peaking.gain_db`). */
  readonly prefix: string
  /** Also write each numeric value mapped to [0, 1] with its schema range, under `<prefix>_norm.`. */
  readonly normalised: boolean
  /** "all" applied values, or only the "drawn" ones (from distributions). */
  readonly include: "all" | "drawn"
}

export const defaultLabelOptions: LabelOptions = { prefix: "fx", normalised: false, include: "all" }

/**
 * The applied parameters as flat labels: `<prefix>.<i>.<uses>.<param>` for item i (0-based,
 * as in `chain[i]`), nested lists as `...bands[1].gain_db`; the chain's mix as `.mix`.
 * With `normalised`, numbers with a finite schema range are also written to
 * `<prefix>_norm.<i>.<uses>.<param>` as (value - min) / (max - min).
 */
export const chainLabels = (chain: ResolvedChain, options: LabelOptions = defaultLabelOptions): Record<string, LabelValue> => {
  const labels: Record<string, LabelValue> = {}
  for (const item of chain.items) {
    const schema = chainItemSchema(item.def)
    const values = item.mix === undefined ? item.params : { ...item.params, mix: item.mix }
    visitLeaves(schema, values, (path, leafSchema, value) => {
      if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean") return
      if (options.include === "drawn" && !(`chain[${item.index}].${path}` in chain.drawn)) return
      const label = { source: options.prefix, index: item.index, uses: item.def.uses, param: path }
      labels[formatParamLabel(label)] = value
      if (options.normalised) {
        const t = normaliseToRange(leafSchema !== undefined ? leafInfo(leafSchema) : undefined, value)
        if (t !== undefined) labels[formatParamLabel({ ...label, normalised: true })] = t
      }
    })
  }
  return labels
}

/**
 * The valid range of an applied-effect label (`fx.1.distortion.tanh.drive_db` → 0 to 60,
 * distortion.tanh's drive_db range; `fx_norm.…` → 0 to 1), read from the effect's schema
 * (with the chain's common `mix`). Undefined for labels that name no numeric effect
 * parameter. Any prefix is accepted, as effects.chain's `labels.prefix` may change it.
 */
export const chainLabelRange = (name: string, effects: Catalog<EffectDefinition> = effectCatalog): LabelRange | undefined => {
  const label = parseParamLabel(name, effects.names())
  const def = label === undefined ? undefined : effects.get(label.uses)
  return label === undefined || def === undefined ? undefined : paramLabelRange(label, chainItemSchema(def))
}

/** The applied parameters of each item as plain JSON (for `audioml fx --json`). */
export const appliedParams = (chain: ResolvedChain): Array<Record<string, unknown>> =>
  chain.items.map((item) => ({ uses: item.def.uses, ...item.params, ...(item.mix !== undefined ? { mix: item.mix } : {}) }))

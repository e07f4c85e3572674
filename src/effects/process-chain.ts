import type { Signal } from "../dsp/signal.js"
import { Rng } from "../params/rng.js"
import type { JsonSchema } from "../params/schema.js"
import { appliedParams, applyChain, chainItemSchema, resolveChain, type ChainItem } from "./chain.js"
import { effectCatalog } from "./registry.js"

/** Options of {@link processChain}. */
export interface ProcessChainOptions {
  /**
   * Seed of the draws of parameters given as distributions (`{ uniform = [0, 12] }`) and of
   * effects with randomness of their own (noise reverbs). Default 0. The same seed gives
   * the bytes of `audioml fx --seed <seed>`.
   */
  readonly seed?: number
  /** Folder that relative file parameters (`reverb.convolve`'s `ir`) resolve against; default the working directory. */
  readonly baseDir?: string
}

/** What {@link processChain} returns. */
export interface ProcessedChain {
  /** The processed audio: same rate and channel count as the input. */
  readonly signal: Signal
  /** Every item's applied parameters, `uses` first: defaults filled and distributions drawn. */
  readonly params: ReadonlyArray<Record<string, unknown>>
  /** The values drawn from distributions, by path (`chain[0].gain_db`). */
  readonly drawn: Readonly<Record<string, unknown>>
}

/**
 * Apply an effect chain to a signal, as `audioml fx` does: the chain is validated (a
 * ParameterError lists every problem, e.g. `chain[1].drive_db: must be <= 60 (got 500)`),
 * defaults are filled, distributions drawn from `seed`, and each item applied in order.
 * The input is not modified.
 *
 * ```ts
 * const { signal: wet, params } = processChain(dry, [
 *   { uses: "eq.peaking", freq: 1000, q: 1, gain_db: 6 },
 *   { uses: "distortion.tanh", drive_db: { uniform: [6, 12] } },
 * ], { seed: 7 })
 * ```
 */
export const processChain = (signal: Signal, chain: ReadonlyArray<ChainItem>, options: ProcessChainOptions = {}): ProcessedChain => {
  const rng = new Rng(options.seed ?? 0)
  const resolved = resolveChain(chain, rng.fork("params"))
  return { signal: applyChain(signal, resolved, rng.fork("effects"), options.baseDir), params: appliedParams(resolved), drawn: resolved.drawn }
}

/** One effect of the library, as {@link listEffects} describes it. */
export interface EffectInfo {
  /** The name a chain item's `uses` takes: `eq.peaking`. */
  readonly uses: string
  readonly description: string
  /** The JSON Schema of its parameters (units in `x-unit`, ranges, defaults), `mix` included. */
  readonly params: JsonSchema
}

/** Every effect of the library, sorted by name. */
export const listEffects = (): ReadonlyArray<EffectInfo> =>
  effectCatalog.sorted().map((def) => ({ uses: def.uses, description: def.description, params: chainItemSchema(def) }))

/**
 * The free parameters of an effect chain for style transfer, and the one mapping between
 * their optimisation coordinates in [0, 1] and their units.
 *
 * In a chain file a parameter is free when it is written as a range, with the same
 * syntax as a random draw: `gain_db = { uniform = [-24, 24] }` (searched linearly) or
 * `freq = { log_uniform = [20, 200] }` (searched on a log axis). Constants stay fixed.
 * The range must lie inside the effect's schema range; the chain validation already
 * checks that. Every free parameter starts in the middle of its range (t = 0.5), as
 * DeepAFx-ST initialises its parameters.
 */
import type { ChainItem } from "../../effects/chain.js"
import { chainItemSchema } from "../../effects/chain.js"
import { leafInfo, visitLeaves } from "../../params/values.js"
import { effectCatalog } from "../../effects/registry.js"

/** One free parameter: where it is in the chain, its unit and search range. */
export interface FreeParam {
  /** Item index in the chain. */
  readonly item: number
  /** The effect's `uses`. */
  readonly uses: string
  /** Path inside the item, as TOML writes it: `gain_db`, `bands[2].freq`, `rt60_s[0]`. */
  readonly path: string
  /** Display name: `chain[1].bands[2].freq`. */
  readonly name: string
  readonly unit: string | undefined
  readonly minimum: number
  readonly maximum: number
  /** Searched on a log axis (`log_uniform`), otherwise linearly. */
  readonly log: boolean
}

export class ParamSpaceError extends Error {
  readonly _tag = "ParamSpaceError"
}

const isTable = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v)

/**
 * The free parameters of `chain` (in chain order, then sorted key order within an item).
 * Throws ParamSpaceError naming the parameter for distributions that are not a range
 * (`normal`, `choice`) or for free non-numeric parameters.
 */
export const freeParams = (chain: ReadonlyArray<ChainItem>): FreeParam[] => {
  const out: FreeParam[] = []
  chain.forEach((item, index) => {
    const def = effectCatalog.require(item.uses, `chain[${index}].uses`)
    visitLeaves(chainItemSchema(def), item, (path, leafSchema, value) => {
      if (!isTable(value) || path === "uses") return
      const name = `chain[${index}].${path}`
      const info = leafSchema !== undefined ? leafInfo(leafSchema) : undefined
      if (info === undefined || info.kind !== "number") {
        throw new ParamSpaceError(`${name}: only number parameters can be searched (given ${JSON.stringify(value)})`)
      }
      const range = (value["uniform"] ?? value["log_uniform"]) as [number, number] | undefined
      if (range === undefined) {
        throw new ParamSpaceError(`${name}: a searched parameter is written { uniform = [lo, hi] } or { log_uniform = [lo, hi] } (got ${JSON.stringify(value)})`)
      }
      const [lo, hi] = range
      const log = "log_uniform" in value
      if (!(hi > lo)) throw new ParamSpaceError(`${name}: the search range [${lo}, ${hi}] must have lo < hi`)
      if (log && !(lo > 0)) throw new ParamSpaceError(`${name}: log_uniform needs lo > 0 (got ${lo})`)
      out.push({ item: index, uses: item.uses, path, name, unit: info.unit, minimum: lo, maximum: hi, log })
    })
  })
  return out
}

/**
 * The affine map behind every conversion: units = warp⁻¹(offset + scale · t), warp = ln for
 * log-searched parameters and the identity otherwise. The tfjs path (autodiff) and the
 * number path (SPSA, printing) both read their constants from here.
 */
export const affineOf = (p: FreeParam): { readonly offset: number; readonly scale: number; readonly log: boolean } =>
  p.log
    ? { offset: Math.log(p.minimum), scale: Math.log(p.maximum) - Math.log(p.minimum), log: true }
    : { offset: p.minimum, scale: p.maximum - p.minimum, log: false }

/** t in [0, 1] (clamped) → the parameter's value in its units. */
export const toUnits = (p: FreeParam, t: number): number => {
  const { offset, scale, log } = affineOf(p)
  const c = t < 0 ? 0 : t > 1 ? 1 : t
  const w = offset + scale * c
  return log ? Math.exp(w) : w
}

/** The inverse of toUnits (values outside the range clamp to 0 or 1). */
export const toNormalised = (p: FreeParam, value: number): number => {
  const { offset, scale, log } = affineOf(p)
  const t = ((log ? Math.log(value) : value) - offset) / scale
  return t < 0 ? 0 : t > 1 ? 1 : t
}

/** Sets the value at a parameter path ("bands[1].gain_db") inside an item's params, in place. */
export const setAt = (root: Record<string, unknown>, path: string, value: unknown): void => {
  const parts = [...path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!))
  let node = root as Record<string | number, unknown>
  for (let i = 0; i < parts.length - 1; i++) node = node[parts[i]!] as Record<string | number, unknown>
  node[parts[parts.length - 1]!] = value
}

/** A copy of `chain` with every free parameter set to toUnits(t_i): a chain of constants. */
export const chainAt = (chain: ReadonlyArray<ChainItem>, params: ReadonlyArray<FreeParam>, t: ArrayLike<number>): ChainItem[] => {
  const copy = JSON.parse(JSON.stringify(chain)) as Array<Record<string, unknown>>
  params.forEach((p, i) => setAt(copy[p.item]!, p.path, toUnits(p, t[i]!)))
  return copy as ChainItem[]
}

/** The found parameters by name, in units: `{ "chain[0].bands[1].gain_db": 3.2, ... }`. */
export const namedValues = (params: ReadonlyArray<FreeParam>, t: ArrayLike<number>): Record<string, number> =>
  Object.fromEntries(params.map((p, i) => [p.name, toUnits(p, t[i]!)]))

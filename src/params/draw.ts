import { isDistribution, sampleDistribution, type Bounds } from "./distribution.js"
import type { Rng } from "./rng.js"
import type { JsonSchema } from "./schema.js"
import { isTable, itemSchema, leafInfo, propertySchemas } from "./values.js"

/** Concrete params (every distribution drawn) and what was drawn, by TOML-style path. */
export interface DrawnParams<T> {
  readonly value: T
  /** The drawn values by path relative to the params (`gain_db`, `[0].bands[1].gain_db`), in draw order. */
  readonly drawn: Record<string, unknown>
}

export interface DrawOptions {
  /** Top-level keys passed through undrawn (a mix's nested generators, drawn by their own generator). */
  readonly skip?: ReadonlyArray<string>
}

/** The bounds a leaf's draws respect: its schema range, and whether it is an integer. */
const boundsOf = (schema: JsonSchema | undefined): Bounds => {
  const info = schema === undefined ? undefined : leafInfo(schema)
  if (info === undefined) return {}
  return { minimum: info.minimum, maximum: info.maximum, integer: info.kind === "integer" }
}

/**
 * The one way a parameter space is drawn: every distribution at any depth of `params`
 * (tables, lists and `uses`-tagged items included) is replaced by a value drawn from
 * `rng`, following the rules of `sampleDistribution` with the range and type that
 * `schema` gives that leaf (integers uniform over their integers, real draws clamped to
 * the range). Keys are drawn in sorted order at every depth, so the TOML's key order does
 * not matter, and the returned tables have their keys sorted (skipped keys last).
 *
 * Used by the effect chain (effects/chain.ts), the synthetic generators and augmentation.
 * Defaults are not filled here (see values.ts).
 *
 * @example
 *   drawParams(schema, { bits: { uniform: [4, 8] }, mix: 1 }, rng).value // { bits: 6, mix: 1 }
 */
export const drawParams = <T>(schema: JsonSchema | undefined, params: T, rng: Rng, options: DrawOptions = {}): DrawnParams<T> => {
  const drawn: Record<string, unknown> = {}
  const walk = (s: JsonSchema | undefined, v: unknown, path: string, skip: ReadonlyArray<string>): unknown => {
    if (isDistribution(v)) {
      const x = sampleDistribution(v, rng, boundsOf(s))
      drawn[path] = x
      return x
    }
    if (Array.isArray(v)) {
      const items = itemSchema(s)
      return v.map((item, i) => walk(items, item, `${path}[${i}]`, []))
    }
    if (isTable(v)) {
      const props = propertySchemas(s, v)
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(v).sort()) {
        if (!skip.includes(key)) out[key] = walk(props[key], v[key], path === "" ? key : `${path}.${key}`, [])
      }
      for (const key of skip) if (key in v) out[key] = v[key]
      return out
    }
    return v
  }
  return { value: walk(schema, params, "", options.skip ?? []) as T, drawn }
}

import type { Rng } from "./rng.js"

/**
 * A parameter value may be a constant or a distribution to draw from, per clip:
 *   { uniform = [a, b] } | { log_uniform = [a, b] } | { normal = [mu, sigma] } | { choice = [...] }
 * This module knows the four shapes and how one value is drawn; draw.ts walks a whole
 * params object against its schema and draws every distribution in it.
 */
export type Distribution =
  | { readonly uniform: readonly [number, number] }
  | { readonly log_uniform: readonly [number, number] }
  | { readonly normal: readonly [number, number] }
  | { readonly choice: ReadonlyArray<unknown> }

/** The keys that mark a table as a distribution. */
export const distributionKinds = ["uniform", "log_uniform", "normal", "choice"] as const

/** Is `value` a one-key table `{ uniform | log_uniform | normal | choice = ... }`? */
export const isDistribution = (value: unknown): value is Distribution => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && (distributionKinds as ReadonlyArray<string>).includes(keys[0]!)
}

/**
 * What a drawn value must respect: the parameter's range (inclusive or exclusive bounds
 * alike; unbounded draws such as `normal` are clamped into it) and whether it is an integer.
 */
export interface Bounds {
  readonly minimum?: number | undefined
  readonly maximum?: number | undefined
  /** Integer parameters: `uniform` picks each integer in [ceil a, floor b] equally often; other draws are rounded. */
  readonly integer?: boolean | undefined
}

/**
 * Draw one value of `dist` from `rng`, respecting `bounds`. The one rule for integers:
 * `{ uniform = [4, 8] }` gives each of 4, 5, 6, 7, 8 with probability 1/5 (rounding a real
 * uniform would give the end points half as often); `log_uniform` and `normal` draws of an
 * integer are clamped, then rounded. The one rule for clamping: a real draw outside
 * [minimum, maximum] is set to the nearer bound. `choice` picks one item as written.
 * Every kind but `normal` uses exactly one value of `rng` (normal: Marsaglia's polar method).
 */
export const sampleDistribution = (dist: Distribution, rng: Rng, bounds: Bounds = {}): unknown => {
  if ("choice" in dist) return rng.pick(dist.choice)
  if (bounds.integer === true && "uniform" in dist) {
    const lo = Math.ceil(Math.min(dist.uniform[0], dist.uniform[1]))
    const hi = Math.floor(Math.max(dist.uniform[0], dist.uniform[1]))
    // [4.2, 4.8] holds no integer: fall through to draw a real value and round it
    if (hi >= lo) return clamp(rng.int(lo, hi), bounds)
  }
  let x: number
  if ("uniform" in dist) x = rng.uniform(dist.uniform[0], dist.uniform[1])
  else if ("log_uniform" in dist) {
    const [a, b] = dist.log_uniform
    x = Math.exp(rng.uniform(Math.log(a), Math.log(b)))
  } else x = rng.normal(dist.normal[0], dist.normal[1])
  x = clamp(x, bounds)
  return bounds.integer === true ? Math.round(x) : x
}

const clamp = (x: number, bounds: Bounds): number => {
  if (bounds.minimum !== undefined && x < bounds.minimum) return bounds.minimum
  if (bounds.maximum !== undefined && x > bounds.maximum) return bounds.maximum
  return x
}

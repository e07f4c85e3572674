import type { Rng } from "./rng.js"

/**
 * A parameter value may be a constant or a distribution to draw from, per clip:
 *   { uniform = [a, b] } | { log_uniform = [a, b] } | { normal = [mu, sigma] } | { choice = [...] }
 */
export type Distribution =
  | { readonly uniform: readonly [number, number] }
  | { readonly log_uniform: readonly [number, number] }
  | { readonly normal: readonly [number, number] }
  | { readonly choice: ReadonlyArray<unknown> }

export const distributionKinds = ["uniform", "log_uniform", "normal", "choice"] as const

export const isDistribution = (value: unknown): value is Distribution => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && (distributionKinds as ReadonlyArray<string>).includes(keys[0]!)
}

/** Optional bounds clamp unbounded draws (normal) into a parameter's valid range. */
export interface Bounds {
  readonly minimum?: number | undefined
  readonly maximum?: number | undefined
}

export const sampleDistribution = (dist: Distribution, rng: Rng, bounds: Bounds = {}): unknown => {
  if ("choice" in dist) return rng.pick(dist.choice)
  let x: number
  if ("uniform" in dist) x = rng.uniform(dist.uniform[0], dist.uniform[1])
  else if ("log_uniform" in dist) {
    const [a, b] = dist.log_uniform
    x = Math.exp(rng.uniform(Math.log(a), Math.log(b)))
  } else x = rng.normal(dist.normal[0], dist.normal[1])
  if (bounds.minimum !== undefined && x < bounds.minimum) x = bounds.minimum
  if (bounds.maximum !== undefined && x > bounds.maximum) x = bounds.maximum
  return x
}

/** Draw one value: constants pass through unchanged. */
export const sampleValue = (value: unknown, rng: Rng, bounds?: Bounds): unknown =>
  isDistribution(value) ? sampleDistribution(value, rng, bounds) : value

/**
 * Resolve every distribution found at any depth of a params object (arrays and nested
 * tables included). Draw order is the sorted key order, so it does not depend on how the
 * TOML was written. Returns the concrete params and a flat map of what was drawn
 * (dotted paths, e.g. "chain[0].gain_db"), which stages store as labels.
 */
export const sampleDeep = (
  params: unknown,
  rng: Rng,
  boundsAt: (path: string) => Bounds | undefined = () => undefined
): { readonly value: unknown; readonly drawn: Record<string, unknown> } => {
  const drawn: Record<string, unknown> = {}
  const walk = (v: unknown, path: string): unknown => {
    if (isDistribution(v)) {
      const x = sampleDistribution(v, rng, boundsAt(path))
      drawn[path] = x
      return x
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`))
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(v).sort()) {
        out[key] = walk((v as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`)
      }
      return out
    }
    return v
  }
  return { value: walk(params, ""), drawn }
}

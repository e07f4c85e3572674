import { canonicalJson } from "./hash.js"
import type { NodeResult } from "./node-result.js"

/** Dotted paths where two JSON values differ (at most `limit`). */
export const changedPaths = (a: unknown, b: unknown, prefix: string, limit = 3): string[] => {
  const out: string[] = []
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (out.length >= limit) return
    const bothObjects = x !== null && y !== null && typeof x === "object" && typeof y === "object" && Array.isArray(x) === Array.isArray(y)
    if (!bothObjects) {
      if (canonicalJson(x ?? null) !== canonicalJson(y ?? null)) out.push(path)
      return
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return void out.push(path)
      x.forEach((item, i) => walk(item, y[i], `${path}[${i}]`))
      return
    }
    const keys = [...new Set([...Object.keys(x as object), ...Object.keys(y as object)])].sort()
    for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`)
  }
  walk(a, b, prefix)
  return out
}

export interface KeyParts {
  readonly id: string
  readonly uses: string
  readonly version: number
  readonly key: string
  readonly params: unknown
  readonly inputs: NodeResult["inputs"]
  readonly seed: number
  readonly external?: Readonly<Record<string, string>>
}

/** Why a node that is not in the cache must run, judged against the same node in the previous run. */
export const missReason = (now: KeyParts, previous: KeyParts | undefined): string => {
  if (previous === undefined) return "new"
  if (previous.key === now.key) return "not in store"
  if (previous.uses !== now.uses) return `stage changed: ${previous.uses} -> ${now.uses}`
  if (previous.version !== now.version) return `stage version changed: ${previous.version} -> ${now.version}`
  const params = changedPaths(previous.params, now.params, `stages.${now.id}`)
  if (params.length > 0) return `params changed: ${params.join(", ")}`
  const inputs = Object.keys({ ...previous.inputs, ...now.inputs })
    .filter((port) => previous.inputs[port]?.artifact !== now.inputs[port]?.artifact)
    .map((port) => now.inputs[port]?.stage ?? port)
  if (inputs.length > 0) return `input changed: ${inputs.join(", ")}`
  const files = changedPaths(previous.external ?? {}, now.external ?? {}, "", 3).map((p) => p.replace(/^\./, ""))
  if (files.length > 0) return `input files changed: ${files.join(", ")}`
  if (previous.seed !== now.seed) return "seed changed"
  return "new"
}

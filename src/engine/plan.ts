import { deriveSeed } from "../params/rng.js"
import { nodeKey } from "./cache-key.js"
import { fingerprintPaths } from "./file-fingerprint.js"
import { missReason, type KeyParts } from "./miss-reason.js"
import type { PipelineSpec } from "./pipeline-spec.js"
import type { StageRegistry } from "./registry.js"
import type { Store } from "./store.js"

export interface PlannedNode {
  readonly id: string
  readonly uses: string
  readonly inputs: Readonly<Record<string, string>>
  /** Known when every input is cached; unknown downstream of a node that will run. */
  readonly key?: string
  readonly action: "cached" | "run" | "after upstream"
  readonly reason: string
}

/**
 * What `run` would do, without running anything or reading artifacts: a node is cached
 * when its entry exists; downstream of a node that must run, the key is unknown until
 * that node's output exists (it may still be a hit by early cutoff).
 */
export const planPipeline = async (
  spec: PipelineSpec,
  registry: StageRegistry,
  store: Store,
  force: ReadonlySet<string>,
  previous: ReadonlyMap<string, KeyParts>
): Promise<PlannedNode[]> => {
  const artifactOf = new Map<string, string | undefined>()
  const out: PlannedNode[] = []
  for (const node of spec.nodes) {
    const stage = registry.get(node.uses)!
    const upstream = Object.entries(node.inputs).map(([port, id]) => [port, id, artifactOf.get(id)] as const)
    const waiting = upstream.filter(([, , a]) => a === undefined).map(([, id]) => id)
    if (waiting.length > 0) {
      artifactOf.set(node.id, undefined)
      out.push({ id: node.id, uses: node.uses, inputs: node.inputs, action: "after upstream", reason: `waits for ${waiting.join(", ")}` })
      continue
    }
    const seed = deriveSeed(spec.seed, node.id)
    const inputs = Object.fromEntries(upstream.map(([port, id, a]) => [port, { stage: id, artifact: a! }]))
    const external = stage.externalPaths?.(node.params) ?? []
    const files = external.length === 0 ? undefined : await fingerprintPaths(store, spec.configDir, external)
    const key = nodeKey({
      uses: node.uses,
      version: stage.version,
      params: node.params,
      inputs: Object.fromEntries(upstream.map(([port, , a]) => [port, a!])),
      seed,
      ...(files !== undefined ? { external: files } : {})
    })
    const entry = force.has(node.id) ? undefined : await store.readEntry(key)
    artifactOf.set(node.id, entry?.artifact)
    const parts: KeyParts = { id: node.id, uses: node.uses, version: stage.version, key, params: node.params, inputs, seed, ...(files !== undefined ? { external: files } : {}) }
    out.push({
      id: node.id,
      uses: node.uses,
      inputs: node.inputs,
      key,
      action: entry !== undefined ? "cached" : "run",
      reason: entry !== undefined ? "cache hit" : force.has(node.id) ? "forced" : missReason(parts, previous.get(node.id))
    })
  }
  return out
}

import { missReason, type KeyParts } from "./miss-reason.js"
import { nodeKeyParts } from "./node-key-parts.js"
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
    const inputs = Object.fromEntries(upstream.map(([port, id, a]) => [port, { stage: id, artifact: a! }]))
    const { parts } = await nodeKeyParts(spec, node, stage, store, inputs)
    const key = parts.key
    const read = force.has(node.id) ? undefined : await store.readEntry(key)
    const entry = read !== undefined && "entry" in read ? read.entry : undefined
    artifactOf.set(node.id, entry?.artifact)
    out.push({
      id: node.id,
      uses: node.uses,
      inputs: node.inputs,
      key,
      action: entry !== undefined ? "cached" : "run",
      reason:
        entry !== undefined
          ? "cache hit"
          : force.has(node.id)
            ? "forced"
            : read !== undefined && "problem" in read
              ? `entry unreadable: ${read.problem}; recomputing`
              : missReason(parts, previous.get(node.id))
    })
  }
  return out
}

import * as Effect from "effect/Effect"
import { computeNode, type ComputeHooks, type Computed, type NodeJob } from "./compute-node.js"
import { StageError, type StoreError } from "./errors.js"
import type { StageRegistry } from "./registry.js"
import type { Store } from "./store.js"

/** The resource class a node needs: its queue under the `queue` executor. */
export type ResourceClass = "cpu" | "gpu"

/** `gpu` for a node whose params say `resources = "gpu"` (the `train` stage has that param), else `cpu`. */
export const resourceClassOf = (params: Readonly<Record<string, unknown>>): ResourceClass => (params["resources"] === "gpu" ? "gpu" : "cpu")

/**
 * Where the nodes that are not cached get computed. The engine plans, keys and looks up the
 * cache itself; an executor only ever sees cache misses whose inputs are stored.
 *
 * - `local` (the default): in the `audioml run` process, as many at once as `--concurrency`.
 * - `queue`: on `audioml worker` processes, through BullMQ on Redis (engine/queue-executor.ts).
 */
export interface NodeExecutor {
  readonly name: "local" | "queue"
  /** Compute one node; the returned entry is in the executor's store (the shared one for `queue`). */
  readonly run: (job: NodeJob, resources: ResourceClass, hooks: ComputeHooks) => Effect.Effect<Computed, StageError | StoreError>
  /** Release connections (queue) at the end of the run. */
  readonly close: () => Promise<void>
}

/** The in-process executor: computeNode against the run's folder store. */
export const localExecutor = (store: Store, registry: StageRegistry): NodeExecutor => ({
  name: "local",
  run: (job, _resources, hooks) => {
    const stage = registry.get(job.uses)
    if (stage === undefined) return Effect.fail(new StageError({ stage: job.nodeId, message: `unknown stage kind "${job.uses}"` }))
    return computeNode(job, stage, store, hooks, "local")
  },
  close: async () => {}
})

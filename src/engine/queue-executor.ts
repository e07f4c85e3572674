import { Queue, QueueEvents, type JobsOptions } from "bullmq"
import * as Effect from "effect/Effect"
import type { Computed, NodeJob } from "./compute-node.js"
import { StageError } from "./errors.js"
import type { NodeExecutor, ResourceClass } from "./node-executor.js"
import { sha256Hex } from "./hash.js"
import type { RedisConnection } from "./redis-connection.js"

/**
 * BullMQ key prefix of the queues of one store: AUDIOML_QUEUE_PREFIX (else "audioml"), then
 * the first 12 hex digits of the sha256 of the store's URL (an s3:// URL, or the folder's
 * absolute path). Coordinators and workers of the same store meet on the same queues;
 * those of another store never take each other's jobs (a job id is only the node key).
 */
export const queuePrefix = (store: string): string => `${process.env["AUDIOML_QUEUE_PREFIX"] || "audioml"}:${sha256Hex(store).slice(0, 12)}`

/**
 * How a node job is retried: 3 attempts with exponential backoff from 2 s for failures that
 * may pass elsewhere (a worker lost its store connection); a stage's own error fails at
 * once (the worker marks it unrecoverable). A finished job is kept 10 minutes, so a second
 * coordinator asking for the same node meanwhile gets its result instead of a new run.
 */
export const nodeJobOptions = (key: string): JobsOptions => ({
  jobId: key,
  attempts: 3,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: { age: 600 },
  removeOnFail: { age: 600 }
})

const parseReturn = (value: unknown): Computed => (typeof value === "string" ? (JSON.parse(value) as Computed) : (value as Computed))

/**
 * The `queue` executor: each cache miss whose inputs are stored goes to the BullMQ queue of
 * its resource class (`cpu` or `gpu`) with the node key as job id, so coordinators asking
 * for the same node share one job. Progress, retries and stalls that workers report are
 * relayed to the node's hooks. The engine still schedules the DAG: BullMQ flows are trees.
 */
export const queueExecutor = async (
  connection: RedisConnection,
  store: { readonly url: string; readonly isStored: (key: string) => Promise<boolean> }
): Promise<NodeExecutor> => {
  const prefix = queuePrefix(store.url)
  const queues = new Map<ResourceClass, { queue: Queue; events: QueueEvents }>()
  const listeners = new Map<string, Parameters<NodeExecutor["run"]>[2]>()
  const warned = new Set<ResourceClass>()

  const queueOf = async (resources: ResourceClass) => {
    const known = queues.get(resources)
    if (known !== undefined) return known
    const queue = new Queue(resources, { connection, prefix })
    const events = new QueueEvents(resources, { connection, prefix })
    events.on("progress", ({ jobId, data }) => {
      const hooks = listeners.get(jobId)
      const p = data as { done?: number; total?: number; status?: string; log?: string; warn?: string } | undefined
      if (hooks === undefined || p === undefined || typeof p !== "object") return
      if (typeof p.log === "string") hooks.log(p.log)
      else if (typeof p.warn === "string") hooks.warn(p.warn)
      else if (typeof p.done === "number") hooks.progress(p.done, typeof p.total === "number" ? p.total : -1, p.status)
    })
    events.on("stalled", ({ jobId }) => listeners.get(jobId)?.warn(`the worker running node job ${jobId.slice(0, 12)} stopped answering; the job goes back to the queue`))
    const entry = { queue, events }
    queues.set(resources, entry)
    await events.waitUntilReady()
    return entry
  }

  const dispatch = async (job: NodeJob, resources: ResourceClass): Promise<Computed> => {
    const { queue, events } = await queueOf(resources)
    const existing = await queue.getJob(job.key)
    if (existing !== undefined) {
      const state = await existing.getState()
      // a finished job's entry may have been collected since: then it runs again
      if (state === "completed" && (await store.isStored(job.key))) return parseReturn(existing.returnvalue)
      // a failure of an earlier run is not this run's answer: try again
      if (state === "failed" || state === "completed") await existing.remove().catch(() => undefined)
    }
    const added = await queue.add(job.nodeId, job, nodeJobOptions(job.key))
    return parseReturn(await added.waitUntilFinished(events))
  }

  return {
    name: "queue",
    run: (job, resources, hooks) =>
      Effect.tryPromise({
        try: async () => {
          listeners.set(job.key, hooks)
          hooks.log(`queued on ${prefix}:${resources}`)
          if (!warned.has(resources) && (await (await queueOf(resources)).queue.getWorkersCount()) === 0) {
            warned.add(resources)
            hooks.warn(`no worker takes jobs from the ${resources} queue yet (${prefix}:${resources}); the run waits for one: audioml worker --queues ${resources}`)
          }
          try {
            return await dispatch(job, resources)
          } finally {
            listeners.delete(job.key)
          }
        },
        catch: (e) => new StageError({ stage: job.nodeId, message: (e as Error)?.message ?? String(e) })
      }),
    close: async () => {
      for (const { queue, events } of queues.values()) {
        await events.close().catch(() => undefined)
        await queue.close().catch(() => undefined)
      }
    }
  }
}

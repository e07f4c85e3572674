/**
 * The sandboxed processor of `audioml worker`: BullMQ runs this module in a child process
 * of the worker (one job at a time per child), so a CPU-bound stage never blocks the
 * worker's lock renewals. Per job: pull the input entries from the shared store into this
 * machine's cache (each object checked against its sha256), run the stage with the same
 * computeNode as `audioml run`, push the objects and then the entry to the shared store,
 * and return where it ran. A stage's own error is deterministic: it is thrown as
 * BullMQ's UnrecoverableError, so it fails once and is not retried; store and network
 * errors are retried with backoff.
 *
 * Set by the worker for its children: AUDIOML_WORKER_STORE (folder or s3:// URL),
 * AUDIOML_WORKER_CACHE (the cache folder, for an s3:// store), AUDIOML_ALLOW_PLUGINS.
 */
import { UnrecoverableError, type SandboxedJob } from "bullmq"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { computeNode, type Computed, type NodeJob } from "../engine/compute-node.js"
import { StageRegistry } from "../engine/registry.js"
import { pullEntry, pushEntry, type SharedStore } from "../engine/shared-store.js"
import { Store } from "../engine/store.js"
import { loadPlugins } from "../config/plugins.js"
import { builtinStages } from "../stages/registry.js"

let opened: { local: Store; shared?: SharedStore } | undefined

/** This child's stores, opened on its first job. */
const stores = async (): Promise<{ local: Store; shared?: SharedStore }> => {
  if (opened !== undefined) return opened
  const url = process.env["AUDIOML_WORKER_STORE"]
  if (url === undefined || url === "") throw new UnrecoverableError("the worker gave its job process no store (AUDIOML_WORKER_STORE)")
  if (url.startsWith("s3://")) {
    const { S3Store, parseS3Url } = await import("../engine/s3-store.js")
    const location = parseS3Url(url)
    if (location === undefined || location instanceof Error) throw new UnrecoverableError(`bad store URL ${url}`)
    opened = { local: new Store(process.env["AUDIOML_WORKER_CACHE"]!), shared: new S3Store(url, location) }
  } else opened = { local: new Store(url) }
  await opened.local.ensure()
  return opened
}

/** The stage kinds this worker knows: the built-ins, plus the job's plugins when the worker trusts them. */
const registryFor = async (job: NodeJob): Promise<StageRegistry> => {
  const registry = new StageRegistry(builtinStages)
  if (registry.get(job.uses) !== undefined || job.plugins.length === 0) return registry
  if (process.env["AUDIOML_ALLOW_PLUGINS"] !== "1")
    throw new UnrecoverableError(`stage kind "${job.uses}" comes from a plugin, and this worker does not run plugins: start it with --allow-plugins`)
  const issues = await loadPlugins(job.plugins, registry)
  if (issues.length > 0) throw new UnrecoverableError(`cannot load the config's plugins on worker: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`)
  return registry
}

export default async (job: SandboxedJob<NodeJob>): Promise<Computed> => {
  const data = job.data
  const { local, shared } = await stores()
  if (shared !== undefined) {
    for (const entry of Object.values(data.inputs)) {
      const problems = await pullEntry(shared, local, entry)
      // an input missing from the shared store will not appear by retrying: the coordinator runs it again
      if (problems.length > 0) throw new UnrecoverableError(`input ${entry.stage} is not readable in ${shared.url}: ${problems.join("; ")}; run again`)
    }
  }
  const registry = await registryFor(data)
  const stage = registry.get(data.uses)
  if (stage === undefined) throw new UnrecoverableError(`unknown stage kind "${data.uses}" on this worker (is it the same audioml version as the coordinator?)`)

  // progress goes through Redis to the coordinator: at most five updates a second
  let last = 0
  let total = -1
  const send = (value: object) => void job.updateProgress(value).catch(() => undefined)
  const hooks = {
    progress: (done: number, t: number, status?: string) => {
      if (t >= 0) total = t
      const now = Date.now()
      if (t < 0 && now - last < 200 && done < total) return
      last = now
      send({ done, total: t, ...(status !== undefined ? { status } : {}) })
    },
    log: (m: string) => send({ log: m }),
    warn: (m: string) => send({ warn: m })
  }
  const exit = await Effect.runPromiseExit(computeNode(data, stage, local, hooks, "queue"))
  if (Exit.isFailure(exit)) {
    const failure = exit.cause.reasons.find(Cause.isFailReason)
    // only the store's I/O may pass on another try; a stage's error or a defect would fail again
    if (failure?.error._tag === "StoreError") throw new Error(`store ${failure.error.path}: ${failure.error.message}`)
    if (failure !== undefined) throw new UnrecoverableError(failure.error.message)
    throw new UnrecoverableError(Cause.pretty(exit.cause))
  }
  if (shared !== undefined) await pushEntry(shared, local, exit.value.entry)
  return exit.value
}

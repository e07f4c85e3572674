import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Semaphore from "effect/Semaphore"
import { resolve } from "node:path"
import type { NodeJob, WorkerInfo } from "./compute-node.js"
import { StageError, StoreError } from "./errors.js"
import { faultPoint } from "./fault-injection.js"
import { acquireLock, describeOwner } from "./file-lock.js"
import { missReason, type KeyParts } from "./miss-reason.js"
import { nodeKeyParts } from "./node-key-parts.js"
import type { NodeResult } from "./node-result.js"
import type { NodeSpec, PipelineSpec } from "./pipeline-spec.js"
import type { StageRegistry } from "./registry.js"
import type { RunReporter } from "./run-reporter.js"
import { localExecutor, resourceClassOf, type NodeExecutor } from "./node-executor.js"
import { pullEntry, pushEntry, readSharedEntry, type SharedStore } from "./shared-store.js"
import type { NodeEntry, Store } from "./store.js"

export interface ExecuteOptions {
  readonly store: Store
  readonly registry: StageRegistry
  readonly reporter: RunReporter
  /** Stage ids to recompute even when cached. */
  readonly force: ReadonlySet<string>
  /** Stages running at once (default: CPU count). */
  readonly concurrency: number
  /** The same nodes in the previous run of this pipeline, to say why a node runs. */
  readonly previous: ReadonlyMap<string, KeyParts>
  /** Where cache misses are computed (default: in this process, `localExecutor`). */
  readonly executor?: NodeExecutor
  /**
   * A store shared between machines (S3): `store` is then this machine's read-through cache
   * in front of it. Lookups that miss locally are pulled from it; computed nodes are pushed to it.
   */
  readonly shared?: SharedStore
}

/** The config's plugin modules as absolute paths (workers load them by path). */
const pluginPaths = (spec: PipelineSpec): string[] => {
  const plugins = (spec.resolved as { plugins?: unknown } | undefined)?.plugins
  return Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === "string").map((p) => resolve(spec.configDir, p)) : []
}

/** Pull `key`'s entry from the shared store into the local one: the entry, none, or why it cannot be used. */
const pullShared = async (shared: SharedStore, store: Store, key: string): Promise<{ entry?: NodeEntry } | { problem: string }> => {
  const read = await readSharedEntry(shared, key)
  if (read === undefined) return {}
  if ("problem" in read) return { problem: `entry ${read.problem}` }
  const problems = await pullEntry(shared, store, read.entry)
  return problems.length > 0 ? { problem: problems.join("; ") } : { entry: read.entry }
}

const storeEffect = <A>(path: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.tryPromise({ try: f, catch: (cause) => new StoreError({ path, message: String((cause as Error)?.message ?? cause), cause }) })

/**
 * Run a pipeline: every node in dependency order, independent nodes in parallel, each
 * either a verified cache hit or computed and stored. Returns one result per node, in
 * the spec's order. The first failure interrupts the nodes still running; nodes that
 * finished stay cached.
 */
export const executePipeline = (
  spec: PipelineSpec,
  options: ExecuteOptions
): Effect.Effect<ReadonlyArray<NodeResult>, StageError | StoreError> =>
  Effect.gen(function* () {
    const { store, registry, reporter, shared } = options
    const executor = options.executor ?? localExecutor(store, registry)
    yield* storeEffect(store.root, () => store.ensure())
    const semaphore = yield* Semaphore.make(Math.max(1, options.concurrency))
    const done = new Map<string, Deferred.Deferred<NodeResult, StageError | StoreError>>()
    for (const node of spec.nodes) done.set(node.id, yield* Deferred.make<NodeResult, StageError | StoreError>())

    const runNode = (node: NodeSpec): Effect.Effect<NodeResult, StageError | StoreError> =>
      Effect.gen(function* () {
        const stage = registry.get(node.uses)
        if (stage === undefined) return yield* new StageError({ stage: node.id, message: `unknown stage kind "${node.uses}"` })
        const upstream: Record<string, NodeResult> = {}
        for (const [port, id] of Object.entries(node.inputs)) upstream[port] = yield* Deferred.await(done.get(id)!)
        const started = performance.now()
        const inputs = Object.fromEntries(
          Object.entries(upstream).map(([port, r]) => [port, { stage: r.id, artifact: r.entry.artifact }])
        )
        const { parts, fileProblems } = yield* storeEffect(spec.configDir, () => nodeKeyParts(spec, node, stage, store, inputs))
        for (const problem of fileProblems) reporter.warn(`${node.id}: input ${problem}: not keyed by content`)
        const { key, seed } = parts
        const tag = `node ${node.id} (${key.slice(0, 12)})`
        let resumedFrom: string | undefined
        let worker: WorkerInfo | undefined
        const result = (entry: NodeEntry, cached: boolean, reason: string): NodeResult => ({
          ...parts,
          cached,
          reason: resumedFrom === undefined ? reason : `${reason}; resumed from ${resumedFrom}`,
          ...(resumedFrom !== undefined ? { resumed_from: resumedFrom } : {}),
          ...(worker !== undefined && !cached ? { worker } : {}),
          duration_ms: Math.round(performance.now() - started),
          entry
        })

        /** A verified stored entry, or why there is none usable (every drop is warned about, with why). */
        const lookup = (): Effect.Effect<{ readonly entry: NodeEntry } | { readonly reason: string }, StoreError> =>
          Effect.gen(function* () {
            let read = yield* storeEffect(store.entryPath(key), () => store.readEntry(key))
            if (read === undefined && shared !== undefined) {
              const pulled = yield* storeEffect(shared.url, () => pullShared(shared, store, key))
              if ("problem" in pulled) reporter.warn(`${tag}: the shared store's entry cannot be used (${pulled.problem}); recomputing`)
              else if (pulled.entry !== undefined) read = { entry: pulled.entry }
            }
            if (read === undefined) return { reason: missReason(parts, options.previous.get(node.id)) }
            if ("problem" in read) {
              reporter.warn(`${tag}: entry unreadable: ${read.problem}; recomputing`)
              yield* storeEffect(store.entryPath(key), () => store.dropEntry(key))
              return { reason: "entry unreadable" }
            }
            const entry = read.entry
            const mismatches = yield* storeEffect(store.root, () => store.verifyEntry(entry))
            if (mismatches.length === 0) {
              // a hit in this machine's cache must also be in the shared store: workers read inputs there
              if (shared !== undefined && !(yield* storeEffect(shared.url, () => shared.hasEntry(key))))
                yield* storeEffect(shared.url, () => pushEntry(shared, store, entry))
              return { entry }
            }
            for (const m of mismatches) reporter.warn(`${tag}: stored object ${m.object} is corrupt (${m.problem}); dropping the entry and recomputing`)
            yield* storeEffect(store.entryPath(key), () => store.dropCorrupt(key, mismatches))
            return { reason: "corrupt entry" }
          })

        const forced = options.force.has(node.id)
        let reason = "forced"
        if (!forced) {
          const found = yield* lookup()
          if ("entry" in found) return result(found.entry, true, "cache hit")
          reason = found.reason
        }

        // One process computes a node at a time: the others wait here (without holding a
        // concurrency slot, so they work on other nodes), then find the stored entry.
        const takeLock = Effect.tryPromise({
          try: (signal) =>
            acquireLock(store.nodeLockPath(key), `${tag} of ${spec.name}`, {
              signal,
              onWait: (holder) => reporter.nodeLog(node.id, `waiting: another process is computing this node (${describeOwner(holder)})`),
              onStale: (why) => reporter.warn(`${tag}: breaking a stale lock: ${why}`)
            }),
          catch: (cause) => new StoreError({ path: store.nodeLockPath(key), message: `cannot lock the node: ${String((cause as Error)?.message ?? cause)}`, cause })
        })

        const job: NodeJob = {
          key,
          nodeId: node.id,
          uses: node.uses,
          params: node.params,
          seed,
          configDir: spec.configDir,
          pipeline: spec.name,
          inputs: Object.fromEntries(Object.entries(upstream).map(([port, r]) => [port, r.entry])),
          plugins: pluginPaths(spec)
        }
        const hooks = {
          progress: (doneCount: number, total: number, status?: string) => reporter.nodeProgress(node.id, doneCount, total, status),
          log: (m: string) => reporter.nodeLog(node.id, m),
          warn: (m: string) => reporter.warn(m)
        }
        const compute = Effect.gen(function* () {
          const computed = yield* executor.run(job, resourceClassOf(node.params), hooks)
          if (computed.resumedFrom !== undefined) resumedFrom = computed.resumedFrom
          worker = computed.worker
          if (shared !== undefined) {
            if (executor.name === "local") yield* storeEffect(shared.url, () => pushEntry(shared, store, computed.entry))
            else {
              // a worker stored it in the shared store: bring it into this machine's cache for the run folder
              const problems = yield* storeEffect(shared.url, () => pullEntry(shared, store, computed.entry))
              if (problems.length > 0)
                return yield* new StoreError({ path: shared.url, message: `node ${node.id} was computed, but its stored objects are not all readable: ${problems.join("; ")}` })
            }
          }
          return computed.entry
        })

        return yield* Effect.acquireUseRelease(
          takeLock,
          () =>
            Effect.gen(function* () {
              if (!forced) {
                // stored by another process while this one waited for the lock
                const again = yield* lookup()
                if ("entry" in again) return result(again.entry, true, "cache hit")
              }
              yield* Effect.promise(() => faultPoint(node.id, "locked"))
              reporter.nodeStarted(node.id, node.uses, reason)
              const entry = yield* (executor.name === "local" ? semaphore.withPermits(1)(compute) : compute)
              return result(entry, false, reason)
            }),
          (lock) => Effect.promise(() => lock.release())
        )
      })

    const results = yield* Effect.forEach(
      spec.nodes,
      (node) =>
        runNode(node).pipe(
          Effect.tap((r) => Effect.sync(() => reporter.nodeFinished(r))),
          Effect.exit,
          Effect.flatMap((exit) => Deferred.done(done.get(node.id)!, exit).pipe(Effect.andThen(exit)))
        ),
      { concurrency: "unbounded" }
    )
    return results
  })

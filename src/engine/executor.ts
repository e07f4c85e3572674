import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Semaphore from "effect/Semaphore"
import { mkdir, rm } from "node:fs/promises"
import { join } from "node:path"
import { randomBytes } from "node:crypto"
import { deriveSeed, Rng } from "../params/rng.js"
import type { Artifact } from "./artifact.js"
import { StageError, StoreError } from "./errors.js"
import { faultPoint } from "./fault-injection.js"
import { acquireLock, describeOwner } from "./file-lock.js"
import { missReason, type KeyParts } from "./miss-reason.js"
import { nodeKeyParts } from "./node-key-parts.js"
import type { NodeResult } from "./node-result.js"
import type { NodeSpec, PipelineSpec } from "./pipeline-spec.js"
import type { StageRegistry } from "./registry.js"
import type { RunReporter } from "./run-reporter.js"
import type { StageContext } from "./stage.js"
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
    const { store, registry, reporter } = options
    yield* storeEffect(store.root, () => store.ensure())
    const semaphore = yield* Semaphore.make(Math.max(1, options.concurrency))
    const done = new Map<string, Deferred.Deferred<NodeResult, StageError | StoreError>>()
    for (const node of spec.nodes) done.set(node.id, yield* Deferred.make<NodeResult, StageError | StoreError>())

    const loadInput = (stage: string, entry: NodeEntry): Effect.Effect<Artifact, StageError | StoreError> =>
      Effect.gen(function* () {
        const { artifact, mismatches } = yield* storeEffect(store.root, () => store.openArtifact(entry))
        if (artifact === undefined) {
          return yield* new StageError({
            stage,
            message: `input artifact ${entry.stage} changed on disk while running (${mismatches.map((m) => m.object).join(", ")}); run again`
          })
        }
        return artifact
      })

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
        const result = (entry: NodeEntry, cached: boolean, reason: string): NodeResult => ({
          ...parts,
          cached,
          reason: resumedFrom === undefined ? reason : `${reason}; resumed from ${resumedFrom}`,
          ...(resumedFrom !== undefined ? { resumed_from: resumedFrom } : {}),
          duration_ms: Math.round(performance.now() - started),
          entry
        })

        /** A verified stored entry, or why there is none usable (every drop is warned about, with why). */
        const lookup = (): Effect.Effect<{ readonly entry: NodeEntry } | { readonly reason: string }, StoreError> =>
          Effect.gen(function* () {
            const read = yield* storeEffect(store.entryPath(key), () => store.readEntry(key))
            if (read === undefined) return { reason: missReason(parts, options.previous.get(node.id)) }
            if ("problem" in read) {
              reporter.warn(`${tag}: entry unreadable: ${read.problem}; recomputing`)
              yield* storeEffect(store.entryPath(key), () => store.dropEntry(key))
              return { reason: "entry unreadable" }
            }
            const mismatches = yield* storeEffect(store.root, () => store.verifyEntry(read.entry))
            if (mismatches.length === 0) return { entry: read.entry }
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

        const compute = Effect.acquireUseRelease(
          storeEffect(store.tmpDir, async () => {
            const dir = join(store.tmpDir, `scratch-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString("hex")}`)
            await mkdir(dir, { recursive: true })
            return dir
          }),
          (scratchDir) =>
            Effect.gen(function* () {
              const artifacts: Record<string, Artifact> = {}
              for (const [port, r] of Object.entries(upstream)) artifacts[port] = yield* loadInput(node.id, r.entry)
              let report: unknown = undefined
              const ctx: StageContext = {
                stageId: node.id,
                seed,
                rng: () => new Rng(seed),
                progress: {
                  start: (total) => reporter.nodeProgress(node.id, 0, total),
                  update: (doneCount, status) => reporter.nodeProgress(node.id, doneCount, -1, status)
                },
                log: (m) => reporter.nodeLog(node.id, m),
                warn: (m) => reporter.warn(`${node.id}: ${m}`),
                scratchDir,
                configDir: spec.configDir,
                report: (v) => {
                  report = v
                },
                // private to this process: only the holder of the node's lock gets here
                checkpoint: {
                  load: async () => {
                    const saved = await store.loadCheckpoint(key)
                    if (saved === undefined) return undefined
                    if ("problem" in saved) {
                      reporter.warn(`${tag}: checkpoint dropped (${saved.problem}); starting from the beginning`)
                      await store.dropCheckpoint(key)
                      return undefined
                    }
                    resumedFrom = saved.label
                    return saved.files
                  },
                  save: async (files, at) => {
                    await store.saveCheckpoint(key, files, at === undefined ? "a checkpoint" : `${at.unit} ${at.count}`)
                    if (at !== undefined) await faultPoint(node.id, at.unit, at.count)
                  }
                }
              }
              const artifact = yield* stage.run(node.params, artifacts, ctx)
              const expected = typeof stage.output === "string" ? stage.output : artifacts[stage.output.sameAs]?.kind
              if (expected !== undefined && artifact.kind !== expected) {
                return yield* new StageError({ stage: node.id, message: `stage ${node.uses} produced ${artifact.kind}, declared ${expected}` })
              }
              const entry = yield* storeEffect(store.root, () => store.putArtifact(key, node.id, node.uses, artifact, report))
              yield* storeEffect(store.root, () => store.dropCheckpoint(key))
              yield* Effect.promise(() => faultPoint(node.id, "stored"))
              return entry
            }),
          (scratchDir) => Effect.promise(() => rm(scratchDir, { recursive: true, force: true }))
        )

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
              const entry = yield* semaphore.withPermits(1)(compute)
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

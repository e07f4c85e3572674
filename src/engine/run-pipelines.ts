import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Cause from "effect/Cause"
import { rm } from "node:fs/promises"
import { environmentRecord } from "./environment.js"
import { StageError, StoreError } from "./errors.js"
import { executePipeline } from "./executor.js"
import type { NodeResult } from "./node-result.js"
import type { PipelineSpec } from "./pipeline-spec.js"
import type { StageRegistry } from "./registry.js"
import { createRunDir, previousNodes, writeRunRecord, writeSweepIndex, type Manifest } from "./run-record.js"
import type { RunReporter } from "./run-reporter.js"
import { runFacts } from "./run-facts.js"
import { describeOwner, holdLease, waitWhileLocked, type Held } from "./file-lock.js"
import { registerRunsRoot } from "./run-registry.js"
import type { NodeExecutor } from "./node-executor.js"
import { holdSharedLease, waitWhileSharedGc, writeRunRef, type SharedHeld } from "./shared-maintenance.js"
import type { SharedStore } from "./shared-store.js"
import type { Store } from "./store.js"

export interface RunOptions {
  readonly store: Store
  readonly runsRoot: string
  readonly registry: StageRegistry
  readonly reporter: RunReporter
  readonly force: ReadonlySet<string>
  readonly concurrency: number
  /** Where cache misses are computed (default: in this process). */
  readonly executor?: NodeExecutor
  /** A store shared between machines (S3), with `store` as this machine's read-through cache in front of it. */
  readonly shared?: SharedStore
}

export interface RunSummary {
  readonly dir: string
  readonly manifest: Manifest
}

const errorText = (cause: Cause.Cause<StageError | StoreError>): string => {
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) {
    const e = failure.error
    return e._tag === "StageError" ? `stages.${e.stage}: ${e.message}` : `store ${e.path}: ${e.message}`
  }
  return Cause.hasInterrupts(cause) ? "interrupted" : Cause.pretty(cause)
}

/**
 * Announce a run on the store before touching it: a lease that `cache gc` honours (written
 * first), the runs folder in the store's registry, then a wait while a gc holds the store
 * (checked after the lease is down, so gc and a run never both miss each other).
 */
const openRunOnStore = async (options: RunOptions, specs: ReadonlyArray<PipelineSpec>): Promise<Held> => {
  const { store, runsRoot, reporter, shared } = options
  await store.ensure()
  const purpose = `run of ${specs[0]?.configFile ?? "?"}`
  const lease = await holdLease(store.leasesDir, purpose, { runs_root: runsRoot })
  let sharedLease: SharedHeld | undefined
  const release = async () => {
    await sharedLease?.release()
    await lease.release()
  }
  try {
    await registerRunsRoot(store, runsRoot)
    await waitWhileLocked(store.gcLockPath, (holder) => reporter.warn(`waiting for cache gc to finish (${describeOwner(holder)})`))
    if (shared !== undefined) {
      // the same protocol on the shared store: lease first, then wait while a gc holds it
      sharedLease = await holdSharedLease(shared, purpose)
      await waitWhileSharedGc(shared, (holder) => reporter.warn(`waiting for cache gc on ${shared.url} to finish (${describeOwner(holder)})`))
    }
    return { ...lease, release }
  } catch (e) {
    await release()
    throw e
  }
}

/**
 * Run every variation of a config in turn (so a sweep computes shared upstream stages once:
 * the later variations find them in the store), writing one run folder each and, for a
 * sweep, an index of them. Fails with the first stage error after recording what finished.
 */
export const runPipelines = (
  specs: ReadonlyArray<PipelineSpec>,
  options: RunOptions
): Effect.Effect<{ runs: RunSummary[]; sweepIndex?: string }, StageError | StoreError> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({
      try: () => openRunOnStore(options, specs),
      catch: (cause) => new StoreError({ path: options.store.root, message: `cannot use the store: ${String((cause as Error)?.message ?? cause)}`, cause })
    }),
    () => runAll(specs, options),
    (lease) => Effect.promise(() => lease.release())
  )

const runAll = (
  specs: ReadonlyArray<PipelineSpec>,
  options: RunOptions
): Effect.Effect<{ runs: RunSummary[]; sweepIndex?: string }, StageError | StoreError> =>
  Effect.gen(function* () {
    const runs: RunSummary[] = []
    for (const spec of specs) {
      const started = new Date()
      const previous = yield* Effect.promise(() => previousNodes(options.runsRoot, spec.name))
      const { dir, id } = yield* Effect.tryPromise({
        try: () => createRunDir(options.runsRoot, spec.name, started),
        catch: (cause) => new StoreError({ path: options.runsRoot, message: `cannot create the run folder: ${String(cause)}`, cause })
      })
      const finished: NodeResult[] = []
      const reporter: RunReporter = {
        ...options.reporter,
        nodeFinished: (r) => {
          finished.push(r)
          options.reporter.nodeFinished(r)
        }
      }
      const exit = yield* Effect.exit(executePipeline(spec, { ...options, reporter, previous }))
      const results = Exit.isSuccess(exit) ? exit.value : spec.nodes.flatMap((n) => finished.filter((r) => r.id === n.id))
      const error = Exit.isSuccess(exit) ? undefined : errorText(exit.cause)
      const environment = { ...environmentRecord(spec.configDir), ...runFacts() }
      const write = () => writeRunRecord(dir, id, spec, options.store, results, { started, finished: new Date() }, environment, error)
      if (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) {
        // interrupted (Ctrl-C): record what finished, then let the interruption through
        yield* Effect.promise(write).pipe(Effect.uninterruptible)
        return yield* Effect.failCause(exit.cause)
      }
      const shared = options.shared
      const manifest = yield* Effect.tryPromise({
        try: async () => {
          const m = await write()
          // the shared store's gc keeps what run records reference: say so there too
          if (shared !== undefined) await writeRunRef(shared, dir, m.nodes.map((n) => n.key))
          return m
        },
        catch: (cause) => new StoreError({ path: dir, message: `cannot write the run record: ${String(cause)}`, cause })
      })
      if (Exit.isFailure(exit)) {
        if (results.length === 0) yield* Effect.promise(() => rm(dir, { recursive: true, force: true }))
        return yield* Effect.failCause(exit.cause)
      }
      runs.push({ dir, manifest })
    }
    if (specs.length > 1 || specs[0]?.variation !== undefined) {
      const sweepIndex = yield* Effect.promise(() =>
        writeSweepIndex(
          options.runsRoot,
          specs[0]!.name,
          runs.map((r, i) => ({ id: r.manifest.run_id, dir: r.dir, values: specs[i]!.variation?.values ?? {} }))
        )
      )
      return { runs, sweepIndex }
    }
    return { runs }
  })

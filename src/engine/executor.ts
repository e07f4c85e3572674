import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Semaphore from "effect/Semaphore"
import { mkdir, rm } from "node:fs/promises"
import { join } from "node:path"
import { randomBytes } from "node:crypto"
import { deriveSeed, Rng } from "../params/rng.js"
import type { Artifact } from "./artifact.js"
import { nodeKey } from "./cache-key.js"
import { fingerprintPaths } from "./file-fingerprint.js"
import { StageError, StoreError } from "./errors.js"
import { missReason, type KeyParts } from "./miss-reason.js"
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
        const seed = deriveSeed(spec.seed, node.id)
        const inputs = Object.fromEntries(
          Object.entries(upstream).map(([port, r]) => [port, { stage: r.id, artifact: r.entry.artifact }])
        )
        const external = stage.externalPaths?.(node.params) ?? []
        const files =
          external.length === 0 ? undefined : yield* storeEffect(spec.configDir, () => fingerprintPaths(store, spec.configDir, external))
        const key = nodeKey({
          uses: node.uses,
          version: stage.version,
          params: node.params,
          inputs: Object.fromEntries(Object.entries(inputs).map(([p, v]) => [p, v.artifact])),
          seed,
          ...(files !== undefined ? { external: files } : {})
        })
        const parts: KeyParts = {
          id: node.id,
          uses: node.uses,
          version: stage.version,
          key,
          params: node.params,
          inputs,
          seed,
          ...(files !== undefined ? { external: files } : {})
        }
        const result = (entry: NodeEntry, cached: boolean, reason: string): NodeResult => ({
          ...parts,
          cached,
          reason,
          duration_ms: Math.round(performance.now() - started),
          entry
        })

        let reason: string | undefined
        if (options.force.has(node.id)) reason = "forced"
        else {
          const entry = yield* storeEffect(store.entryPath(key), () => store.readEntry(key))
          if (entry !== undefined) {
            const mismatches = yield* storeEffect(store.root, () => store.verifyEntry(entry))
            if (mismatches.length === 0) return result(entry, true, "cache hit")
            for (const m of mismatches) reporter.warn(`node ${node.id} (${key.slice(0, 12)}): stored object ${m.object} is corrupt (${m.problem}); dropping the entry and recomputing`)
            yield* storeEffect(store.entryPath(key), () => store.dropCorrupt(key, mismatches))
            reason = "corrupt entry"
          } else reason = missReason(parts, options.previous.get(node.id))
        }

        reporter.nodeStarted(node.id, node.uses, reason)
        const entry = yield* semaphore.withPermits(1)(
          Effect.acquireUseRelease(
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
                  checkpoint: {
                    load: () => store.loadCheckpoint(key),
                    save: (files) => store.saveCheckpoint(key, files)
                  }
                }
                const artifact = yield* stage.run(node.params, artifacts, ctx)
                const expected = typeof stage.output === "string" ? stage.output : artifacts[stage.output.sameAs]?.kind
                if (expected !== undefined && artifact.kind !== expected) {
                  return yield* new StageError({ stage: node.id, message: `stage ${node.uses} produced ${artifact.kind}, declared ${expected}` })
                }
                const entry = yield* storeEffect(store.root, () => store.putArtifact(key, node.id, node.uses, artifact, report))
                yield* storeEffect(store.root, () => store.dropCheckpoint(key))
                return entry
              }),
            (scratchDir) => Effect.promise(() => rm(scratchDir, { recursive: true, force: true }))
          )
        )
        return result(entry, false, reason)
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

import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import { mkdir, rm } from "node:fs/promises"
import { hostname } from "node:os"
import { join } from "node:path"
import { Rng } from "../params/rng.js"
import type { Artifact } from "./artifact.js"
import { StageError, StoreError } from "./errors.js"
import { faultPoint } from "./fault-injection.js"
import { runFacts } from "./run-facts.js"
import type { StageContext, StageDefinition } from "./stage.js"
import type { NodeEntry, Store } from "./store.js"

/**
 * One node to compute, as plain JSON: what the coordinator hands an executor (in process, or
 * through a queue to a worker on another machine). Everything the stage's output depends on
 * is here; `key` is the node key the entry is stored under.
 */
export interface NodeJob {
  readonly key: string
  /** The stage id (the TOML table name under [stages]). */
  readonly nodeId: string
  readonly uses: string
  /** The stage's params with schema defaults applied. */
  readonly params: Readonly<Record<string, unknown>>
  /** The node's derived 32-bit seed. */
  readonly seed: number
  /** The config file's folder: relative paths in params resolve against it. */
  readonly configDir: string
  /** The pipeline's name, for messages. */
  readonly pipeline: string
  /** Input port → the stored entry of the upstream node. */
  readonly inputs: Readonly<Record<string, NodeEntry>>
  /** Absolute paths of the config's plugin modules (a worker loads them only when trusted). */
  readonly plugins: ReadonlyArray<string>
}

/** Where a node ran: the run record's `worker` for each computed node. */
export interface WorkerInfo {
  /** Host name of the machine that ran the stage. */
  readonly host: string
  readonly pid: number
  /** "local" (in the `audioml run` process) or "queue" (an `audioml worker`). */
  readonly executor: "local" | "queue"
  /** The tfjs backend the stage loaded, or "none" when it loaded none. */
  readonly backend: string
  /** True when that backend runs on a GPU (tfjs-node-gpu). */
  readonly gpu: boolean
}

/** What computing a node gave: its stored entry, the checkpoint it resumed from, and where it ran. */
export interface Computed {
  readonly entry: NodeEntry
  /** "epoch 2" when the stage continued from a checkpoint of an interrupted run. */
  readonly resumedFrom?: string
  readonly worker: WorkerInfo
}

/** How a running stage reports back (the coordinator's reporter, or a queue job's progress). */
export interface ComputeHooks {
  readonly progress: (done: number, total: number, status?: string) => void
  readonly log: (message: string) => void
  readonly warn: (message: string) => void
}

/** This process as a worker: host, pid and the tfjs backend its stages loaded so far. */
export const thisWorker = (executor: WorkerInfo["executor"]): WorkerInfo => {
  const backend = runFacts()["tfjs_backend"]
  const name = typeof backend === "string" ? backend : "none"
  return { host: hostname(), pid: process.pid, executor, backend: name, gpu: /gpu|cuda/i.test(name) }
}

const storeEffect = <A>(path: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.tryPromise({ try: f, catch: (cause) => new StoreError({ path, message: String((cause as Error)?.message ?? cause), cause }) })

/**
 * Compute one node in this process against a folder store: open its inputs (each already
 * in `store`), run the stage with a scratch folder and the node's checkpoints, check the
 * output kind, then store the objects and the entry last (the atomic protocol of the
 * store). The same code serves `audioml run` and `audioml worker`'s job processes.
 */
export const computeNode = (
  job: NodeJob,
  stage: StageDefinition,
  store: Store,
  hooks: ComputeHooks,
  executor: WorkerInfo["executor"]
): Effect.Effect<Computed, StageError | StoreError> => {
  const { key, nodeId } = job
  const tag = `node ${nodeId} (${key.slice(0, 12)})`
  let resumedFrom: string | undefined
  return Effect.acquireUseRelease(
    storeEffect(store.tmpDir, async () => {
      const dir = join(store.tmpDir, `scratch-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString("hex")}`)
      await mkdir(dir, { recursive: true })
      return dir
    }),
    (scratchDir) =>
      Effect.gen(function* () {
        const artifacts: Record<string, Artifact> = {}
        for (const [port, entry] of Object.entries(job.inputs)) {
          const { artifact, mismatches } = yield* storeEffect(store.root, () => store.openArtifact(entry))
          if (artifact === undefined) {
            return yield* new StageError({
              stage: nodeId,
              message: `input artifact ${entry.stage} changed on disk while running (${mismatches.map((m) => m.object).join(", ")}); run again`
            })
          }
          artifacts[port] = artifact
        }
        let report: unknown = undefined
        const ctx: StageContext = {
          stageId: nodeId,
          seed: job.seed,
          rng: () => new Rng(job.seed),
          progress: {
            start: (total) => hooks.progress(0, total),
            update: (doneCount, status) => hooks.progress(doneCount, -1, status)
          },
          log: hooks.log,
          warn: (m) => hooks.warn(`${nodeId}: ${m}`),
          scratchDir,
          configDir: job.configDir,
          report: (v) => {
            report = v
          },
          // private to this process: only the holder of the node's lock (or queue job) gets here
          checkpoint: {
            load: async () => {
              const saved = await store.loadCheckpoint(key)
              if (saved === undefined) return undefined
              if ("problem" in saved) {
                hooks.warn(`${tag}: checkpoint dropped (${saved.problem}); starting from the beginning`)
                await store.dropCheckpoint(key)
                return undefined
              }
              resumedFrom = saved.label
              return saved.files
            },
            save: async (files, at) => {
              await store.saveCheckpoint(key, files, at === undefined ? "a checkpoint" : `${at.unit} ${at.count}`)
              if (at !== undefined) await faultPoint(nodeId, at.unit, at.count)
            }
          }
        }
        const artifact = yield* stage.run(job.params, artifacts, ctx)
        const expected = typeof stage.output === "string" ? stage.output : artifacts[stage.output.sameAs]?.kind
        if (expected !== undefined && artifact.kind !== expected) {
          return yield* new StageError({ stage: nodeId, message: `stage ${job.uses} produced ${artifact.kind}, declared ${expected}` })
        }
        const entry = yield* storeEffect(store.root, () => store.putArtifact(key, nodeId, job.uses, artifact, report))
        yield* storeEffect(store.root, () => store.dropCheckpoint(key))
        yield* Effect.promise(() => faultPoint(nodeId, "stored"))
        const worker = thisWorker(executor)
        return resumedFrom === undefined ? { entry, worker } : { entry, resumedFrom, worker }
      }),
    (scratchDir) => Effect.promise(() => rm(scratchDir, { recursive: true, force: true }))
  )
}

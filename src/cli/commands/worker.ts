import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { hostname } from "node:os"
import { fileURLToPath } from "node:url"
import { connectRedis } from "../redis-flag.js"
import { allowPluginsFlag, isSharedStoreUrl, openSharedStore, openStore, pluginsAllowed, storeFlag } from "../shared-flags.js"
import { UserError } from "../user-error.js"

const asUserError = (e: unknown): UserError => (e instanceof UserError ? e : new UserError({ message: (e as Error)?.message ?? String(e), exitCode: 1 }))

/** Seconds a worker's job lock lasts without renewal (AUDIOML_QUEUE_LOCK_S, default 30): a killed worker's job is taken back after about twice this. */
const lockSeconds = (): number => {
  const s = Number(process.env["AUDIOML_QUEUE_LOCK_S"])
  return Number.isFinite(s) && s > 0 ? s : 30
}

const line = (text: string) => process.stdout.write(`${new Date().toISOString()} ${text}\n`)

/**
 * `audioml worker`: connects to Redis and the store (failing within seconds, naming them, when
 * either is unreachable), then takes jobs from the queues of its resource classes, each run by
 * a BullMQ sandboxed processor (cli/worker-job.ts) in a child process, until Ctrl-C.
 */
export const workerCommand = Command.make(
  "worker",
  {
    redis: Flag.String("redis").pipe(Flag.optional, Flag.withDescription("Redis URL of the queues, e.g. redis://host:6379 (default: $AUDIOML_REDIS)")),
    store: storeFlag,
    queues: Flag.String("queues").pipe(Flag.withDefault("cpu"), Flag.withDescription("Resource classes to take jobs from, comma-separated: cpu, gpu (default cpu)")),
    concurrency: Flag.Int("concurrency").pipe(Flag.withDefault(1), Flag.withDescription("Jobs run at once, each in its own child process (default 1)")),
    allowPlugins: allowPluginsFlag
  },
  (args) =>
    Effect.gen(function* () {
      const url = Option.getOrUndefined(args.redis) ?? (process.env["AUDIOML_REDIS"] || undefined)
      if (url === undefined) return yield* new UserError({ message: "audioml worker needs --redis redis://host:6379 (or AUDIOML_REDIS)", exitCode: 2 })
      const queues = args.queues.split(",").map((q) => q.trim()).filter((q) => q !== "")
      const unknown = queues.filter((q) => q !== "cpu" && q !== "gpu")
      if (queues.length === 0 || unknown.length > 0)
        return yield* new UserError({ message: `--queues ${args.queues}: each must be cpu or gpu`, exitCode: 2 })
      if (args.concurrency < 1) return yield* new UserError({ message: `--concurrency ${args.concurrency}: must be at least 1`, exitCode: 2 })
      const connection = yield* Effect.tryPromise({ try: () => connectRedis(url), catch: asUserError })
      const shared = yield* Effect.tryPromise({ try: () => openSharedStore(args.store), catch: asUserError })
      shared?.close() // reachable: each job process opens its own client
      const local = openStore(args.store)
      yield* Effect.promise(() => local.ensure())
      // the job processes inherit these
      const storeValue = Option.getOrUndefined(args.store) ?? process.env["AUDIOML_STORE"]
      process.env["AUDIOML_WORKER_STORE"] = storeValue !== undefined && isSharedStoreUrl(storeValue) ? storeValue : local.root
      process.env["AUDIOML_WORKER_CACHE"] = local.root
      process.env["AUDIOML_ALLOW_PLUGINS"] = pluginsAllowed(args.allowPlugins) ? "1" : ""

      const { Worker } = yield* Effect.promise(() => import("bullmq"))
      const { queuePrefix } = yield* Effect.promise(() => import("../../engine/queue-executor.js"))
      const processor = fileURLToPath(new URL("../worker-job.js", import.meta.url))
      const lockMs = lockSeconds() * 1000
      const start = () =>
        queues.map((name) => {
          const worker = new Worker(name, processor, {
            connection,
            prefix: queuePrefix(process.env["AUDIOML_WORKER_STORE"]!),
            concurrency: args.concurrency,
            useWorkerThreads: false,
            lockDuration: lockMs,
            stalledInterval: lockMs,
            maxStalledCount: 2
          })
          const what = (job: { name: string; id?: string | undefined; data: { pipeline?: string } } | undefined) =>
            job === undefined ? "a job" : `${job.name} (${(job.id ?? "?").slice(0, 12)}) of ${job.data.pipeline ?? "?"}`
          worker.on("active", (job) => line(`started ${what(job)} [${name}]`))
          worker.on("completed", (job) => line(`finished ${what(job)}`))
          worker.on("failed", (job, err) => {
            const attempts = job?.opts.attempts ?? 1
            const final = err.name === "UnrecoverableError" || (job?.attemptsMade ?? 0) >= attempts
            line(`failed ${what(job)}: ${err.message}${final ? "" : ` (attempt ${job?.attemptsMade} of ${attempts}; retried)`}`)
          })
          worker.on("error", (err) => line(`warning: ${err.message}`))
          return worker
        })
      yield* Effect.acquireUseRelease(
        Effect.sync(start),
        () =>
          Effect.sync(() =>
            line(
              `audioml worker on ${hostname()} (pid ${process.pid}): queues ${queues.join(", ")}, concurrency ${args.concurrency}, store ${process.env["AUDIOML_WORKER_STORE"]}; Ctrl-C stops it`
            )
          ).pipe(Effect.andThen(Effect.never)),
        (workers) => Effect.promise(() => Promise.all(workers.map((w) => w.close()))).pipe(Effect.asVoid)
      )
    })
).pipe(Command.withDescription("Take node jobs from Redis queues (audioml run --executor queue) and compute them, each in a child process"))

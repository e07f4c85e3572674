import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { existsSync, readFileSync } from "node:fs"
import { availableParallelism } from "node:os"
import { join } from "node:path"
import { flatten, formatValue } from "../flatten.js"
import { runPipelines } from "../../engine/run-pipelines.js"
import { connectRedis } from "../redis-flag.js"
import { allowPluginsFlag, jsonFlag, openSharedStore, openStore, pluginsAllowed, runsFlag, runsRootOf, setFlag, storeFlag } from "../shared-flags.js"
import { loadForCli } from "../load-config.js"
import { barReporter, levelFiltered, lineReporter } from "../progress-reporter.js"
import { variationTitle } from "../text-format.js"
import { toUserError, UserError } from "../user-error.js"
import { applyBackendFlag, backendFlag } from "../backend-flag.js"

const asUserError = (e: unknown): UserError => (e instanceof UserError ? e : new UserError({ message: (e as Error)?.message ?? String(e), exitCode: 1 }))

export const runCommand = Command.make(
  "run",
  {
    config: Argument.String("config").pipe(Argument.withDescription("Pipeline TOML file")),
    set: setFlag,
    allowPlugins: allowPluginsFlag,
    store: storeFlag,
    runs: runsFlag,
    force: Flag.String("force").pipe(Flag.atLeast(0), Flag.withDescription("Recompute this stage even if cached (repeatable)")),
    backend: backendFlag,
    concurrency: Flag.Int("concurrency").pipe(Flag.optional, Flag.withDescription("Stages run at once (default: CPU count)")),
    executor: Flag.Literals("executor", ["local", "queue"]).pipe(
      Flag.withDefault("local"),
      Flag.withDescription("Where stages that are not cached run: local (this process, the default) or queue (audioml worker processes, through Redis: needs --redis)")
    ),
    redis: Flag.String("redis").pipe(Flag.optional, Flag.withDescription("Redis URL for --executor queue, e.g. redis://host:6379 (default: $AUDIOML_REDIS)")),
    noReport: Flag.Boolean("no-report").pipe(Flag.withDefault(false), Flag.withDescription("Write no report.html (nor sweep.html); `audioml report` makes them later")),
    json: jsonFlag
  },
  (args) =>
    Effect.gen(function* () {
      applyBackendFlag(args.backend)
      const concurrency = Option.getOrUndefined(args.concurrency)
      if (concurrency !== undefined && concurrency < 1)
        return yield* new UserError({ message: `--concurrency ${concurrency}: must be at least 1 (stages run at once)`, exitCode: 2 })
      const { pipelines, registry } = yield* loadForCli(args.config, args.set, openStore(args.store), pluginsAllowed(args.allowPlugins), true)
      const unknownForced = args.force.filter((id) => !pipelines[0]!.nodes.some((n) => n.id === id))
      if (unknownForced.length > 0) {
        return yield* new UserError({
          message: `--force ${unknownForced.join(", ")}: no such stage (stages: ${pipelines[0]!.nodes.map((n) => n.id).join(", ")})`,
          exitCode: 2
        })
      }
      // services first: an unreachable Redis or store is a clear error within seconds, before anything is written
      const redisUrl = Option.getOrUndefined(args.redis) ?? (process.env["AUDIOML_REDIS"] || undefined)
      if (args.executor === "queue" && redisUrl === undefined)
        return yield* new UserError({ message: "--executor queue needs --redis redis://host:6379 (or AUDIOML_REDIS): the queue's server", exitCode: 2 })
      const connection = args.executor === "queue" ? yield* Effect.tryPromise({ try: () => connectRedis(redisUrl!), catch: asUserError }) : undefined
      const shared = yield* Effect.tryPromise({ try: () => openSharedStore(args.store), catch: asUserError })
      const store = openStore(args.store)
      const executor =
        connection !== undefined
          ? yield* Effect.promise(async () =>
              (await import("../../engine/queue-executor.js")).queueExecutor(connection, {
                url: shared?.url ?? store.root,
                isStored: async (key) => (shared !== undefined ? shared.hasEntry(key) : existsSync(store.entryPath(key)))
              })
            )
          : undefined
      const show = { info: yield* LogLevel.isEnabled("Info"), warnings: yield* LogLevel.isEnabled("Warn") }
      const bars = process.stderr.isTTY && !args.json && show.info ? barReporter() : undefined
      const reporter = levelFiltered(bars ?? lineReporter(), show)
      const { runs, sweepIndex } = yield* runPipelines(pipelines, {
        store,
        ...(shared !== undefined ? { shared } : {}),
        ...(executor !== undefined ? { executor } : {}),
        runsRoot: runsRootOf(args.runs),
        registry,
        reporter,
        force: new Set(args.force),
        concurrency: Option.getOrElse(args.concurrency, () => availableParallelism())
      }).pipe(
        Effect.ensuring(
          Effect.promise(async () => {
            bars?.stop()
            await executor?.close()
            shared?.close()
          })
        ),
        Effect.mapError((e) => toUserError(e) ?? new UserError({ message: e.message, exitCode: 1 }))
      )
      if (!args.noReport) {
        // imported here: a run that writes no report never loads the report code
        const report = yield* Effect.promise(() => import("../../report/write-report.js"))
        yield* Effect.tryPromise({
          try: async () => {
            for (const r of runs) await report.writeRunReport(r.dir, r.manifest)
            if (sweepIndex !== undefined) await report.writeSweepReport(sweepIndex)
          },
          catch: (e) => new UserError({ message: `the runs are recorded, but their report could not be written: ${e instanceof Error ? e.message : String(e)}`, exitCode: 1 })
        })
      }
      if (args.json) {
        const summary = {
          runs: runs.map((r) => r.dir),
          ...(sweepIndex !== undefined ? { sweep_index: sweepIndex } : {}),
          variations: runs.map((r) => ({
            run: r.dir,
            variation: r.manifest.variation ?? null,
            nodes: r.manifest.nodes.map((n) => ({ id: n.id, uses: n.uses, key: n.key, cached: n.cached, reason: n.reason, artifact: n.artifact }))
          }))
        }
        process.stdout.write(JSON.stringify(summary, null, 2) + "\n")
      } else {
        for (const r of runs) {
          const hits = r.manifest.nodes.filter((n) => n.cached).length
          const summary = `${r.manifest.nodes.length} stages: ${hits} cached, ${r.manifest.nodes.length - hits} ran, ${(r.manifest.duration_ms / 1000).toFixed(2)}s`
          // A sweep's variations each get their heading, as in `plan`.
          if (show.info) process.stderr.write(`${r.manifest.variation ? `${variationTitle(r.manifest.name, r.manifest.variation)}: ` : ""}${summary}\n`)
          const metricsFile = join(r.dir, "metrics.json")
          if (show.info && existsSync(metricsFile)) {
            for (const [name, value] of Object.entries(flatten(JSON.parse(readFileSync(metricsFile, "utf8")))))
              if (typeof value === "number") process.stderr.write(`  ${name} = ${formatValue(value)}\n`)
          }
          process.stdout.write(r.dir + "\n")
        }
        if (sweepIndex !== undefined) process.stdout.write(sweepIndex + "\n")
      }
    })
).pipe(Command.withDescription("Run a pipeline: compute what is not cached, record the run in runs/<name>/<run-id>/"))

import * as Effect from "effect/Effect"
import { Argument, Command } from "effect/cli"
import { existsSync, readFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { listRuns, type Manifest } from "../../engine/run-record.js"
import { jsonFlag, runsFlag, runsRootOf } from "../shared-flags.js"
import { UserError } from "../user-error.js"
import { flatten, formatValue } from "../flatten.js"
import { alignColumns } from "../text-format.js"

const list = Command.make("list", { runs: runsFlag, json: jsonFlag }, (args) =>
  Effect.promise(async () => {
    const root = runsRootOf(args.runs)
    const runs = await listRuns(root)
    if (args.json) {
      const rows = runs.map((r) => ({
        dir: r.dir,
        status: r.manifest?.status ?? "incomplete",
        nodes: r.manifest?.nodes.length ?? 0,
        cached: r.manifest?.nodes.filter((n) => n.cached).length ?? 0,
        duration_ms: r.manifest?.duration_ms ?? null,
        variation: r.manifest?.variation ?? null
      }))
      return void process.stdout.write(JSON.stringify(rows, null, 2) + "\n")
    }
    if (runs.length === 0) return void process.stdout.write(`no runs under ${root}\n`)
    for (const r of runs) {
      const m = r.manifest
      const status = m === undefined ? "incomplete" : m.status
      const detail =
        m === undefined
          ? ""
          : `${m.nodes.length} stages, ${m.nodes.filter((n) => !n.cached).length} ran, ${(m.duration_ms / 1000).toFixed(2)}s` +
            (m.variation ? `  ${JSON.stringify(m.variation.values)}` : "")
      process.stdout.write(`${relative(process.cwd(), r.dir).padEnd(48)} ${status.padEnd(10)} ${detail}\n`)
    }
  })
).pipe(Command.withDescription("List recorded runs, oldest first"))

const show = Command.make(
  "show",
  { run: Argument.String("run").pipe(Argument.withDescription("Run folder, or <name>/<run-id> under the runs folder")), runs: runsFlag, json: jsonFlag },
  (args) =>
    Effect.gen(function* () {
      const dir = findRun(args.run, runsRootOf(args.runs))
      if (dir === undefined) return yield* new UserError({ message: `${args.run}: no run record (manifest.json) found`, exitCode: 2 })
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest
      const metricsPath = join(dir, "metrics.json")
      const metrics = existsSync(metricsPath) ? JSON.parse(readFileSync(metricsPath, "utf8")) : undefined
      if (args.json) return void process.stdout.write(JSON.stringify({ dir, manifest, metrics }, null, 2) + "\n")
      const out = [
        `${manifest.name} ${manifest.run_id} — ${manifest.status}, ${(manifest.duration_ms / 1000).toFixed(2)}s`,
        `config ${manifest.config}`,
        ...(manifest.variation ? [`variation ${manifest.variation.index + 1}/${manifest.variation.count} ${JSON.stringify(manifest.variation.values)}`] : []),
        ...(manifest.error ? [`error ${manifest.error}`] : []),
        `environment ${JSON.stringify(manifest.environment)}`,
        "",
        ...manifest.nodes.map(
          (n) => `  ${n.id.padEnd(16)} ${n.uses.padEnd(20)} ${n.cached ? "cached" : "ran   "} ${String(n.duration_ms).padStart(7)} ms  ${n.key.slice(0, 12)}  ${n.cached ? "" : n.reason}`
        ),
        ...(metrics !== undefined ? ["", `metrics ${JSON.stringify(metrics, null, 2)}`] : [])
      ]
      process.stdout.write(out.join("\n") + "\n")
    })
).pipe(Command.withDescription("Show one run: its stages, hits and misses with reasons, environment and metrics"))

/** Find a run folder from a path or <name>/<run-id> under the runs root. */
const findRun = (run: string, runsRoot: string): string | undefined =>
  [resolve(run), join(runsRoot, run)].find((d) => existsSync(join(d, "manifest.json")))

const compare = Command.make(
  "compare",
  {
    runs: Argument.String("run").pipe(Argument.variadic({ min: 1 }), Argument.withDescription("Two or more run folders (or <name>/<run-id>)")),
    runsRoot: runsFlag,
    json: jsonFlag
  },
  (args) =>
    Effect.gen(function* () {
      if (args.runs.length < 2)
        return yield* new UserError({ message: `runs compare: give two or more runs to put side by side (got one: ${args.runs[0]}); \`audioml runs show\` shows one`, exitCode: 2 })
      const root = runsRootOf(args.runsRoot)
      const columns: Array<{ name: string; values: Record<string, unknown> }> = []
      for (const run of args.runs) {
        const dir = findRun(run, root)
        if (dir === undefined) return yield* new UserError({ message: `${run}: no run record (manifest.json) found`, exitCode: 2 })
        const read = (f: string) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), "utf8")) : {})
        const manifest = read("manifest.json") as Manifest
        const values = {
          ...flatten(read("overrides.json"), "set"),
          ...flatten(read("metrics.json"), "metrics"),
          "run.duration_s": manifest.duration_ms / 1000,
          "run.stages_ran": manifest.nodes.filter((n) => !n.cached).length
        }
        columns.push({ name: relative(root, dir), values })
      }
      const rows = [...new Set(columns.flatMap((c) => Object.keys(c.values)))].sort()
      if (args.json) {
        const table = Object.fromEntries(rows.map((r) => [r, Object.fromEntries(columns.map((c) => [c.name, c.values[r] ?? null]))]))
        return void process.stdout.write(JSON.stringify(table, null, 2) + "\n")
      }
      const out = alignColumns(
        [["", ...columns.map((c) => c.name)], ...rows.map((r) => [r, ...columns.map((c) => formatValue(c.values[r]))])],
        [false, ...columns.map(() => true)]
      )
      process.stdout.write(out.join("\n") + "\n")
    })
).pipe(Command.withDescription("Put runs side by side: their overrides, metrics, duration and stages run"))

export const runsCommand = Command.make("runs").pipe(
  Command.withSubcommands([list, show, compare]),
  Command.withDescription("List and inspect recorded runs")
)

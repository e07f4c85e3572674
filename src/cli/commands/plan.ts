import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import { planPipeline } from "../../engine/plan.js"
import { previousNodes } from "../../engine/run-record.js"
import { allowPluginsFlag, jsonFlag, openStore, pluginsAllowed, runsFlag, runsRootOf, setFlag, storeFlag } from "../shared-flags.js"
import { loadForCli } from "../load-config.js"
import { alignColumns, variationTitle } from "../text-format.js"
import { estimateDatasets, formatBytes } from "../../config/dataset-memory.js"

export const planCommand = Command.make(
  "plan",
  {
    config: Argument.String("config").pipe(Argument.withDescription("Pipeline TOML file")),
    set: setFlag,
    allowPlugins: allowPluginsFlag,
    store: storeFlag,
    runs: runsFlag,
    force: Flag.String("force").pipe(Flag.atLeast(0), Flag.withDescription("Treat this stage as forced (repeatable)")),
    json: jsonFlag
  },
  (args) =>
    Effect.gen(function* () {
      const { pipelines, registry } = yield* loadForCli(args.config, args.set, openStore(args.store), pluginsAllowed(args.allowPlugins))
      const store = openStore(args.store)
      const out = []
      for (const spec of pipelines) {
        const previous = yield* Effect.promise(() => previousNodes(runsRootOf(args.runs), spec.name))
        const nodes = yield* Effect.promise(() => planPipeline(spec, registry, store, new Set(args.force), previous))
        out.push({ name: spec.name, variation: spec.variation ?? null, nodes })
      }
      if (args.json) {
        process.stdout.write(JSON.stringify(out, null, 2) + "\n")
        return
      }
      const lines: string[] = []
      for (const p of out) {
        lines.push(variationTitle(p.name, p.variation))
        const rows = p.nodes.map((n) => [
          "",
          n.action === "cached" ? "cached" : n.action === "run" ? "run" : "later",
          n.id,
          n.uses,
          Object.entries(n.inputs).map(([port, id]) => `${port}←${id}`).join(" "),
          n.reason
        ])
        lines.push(...alignColumns(rows))
      }
      process.stdout.write(lines.join("\n") + "\n")
      for (const e of estimateDatasets(pipelines[0]!.nodes, registry))
        process.stdout.write(`estimated: ${e.stage} makes about ${formatBytes(e.bytes)} of audio (${e.detail})\n`)
    })
).pipe(Command.withDescription("Show the stage graph and what a run would compute, without running"))

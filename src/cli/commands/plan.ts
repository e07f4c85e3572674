import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import { planPipeline } from "../../engine/plan.js"
import { previousNodes } from "../../engine/run-record.js"
import { allowPluginsFlag, jsonFlag, openStore, pluginsAllowed, runsFlag, runsRootOf, setFlag, storeFlag } from "../shared-flags.js"
import { loadForCli } from "../load-config.js"
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
      for (const p of out) {
        const title = p.variation ? `${p.name} [${p.variation.index + 1}/${p.variation.count}] ${JSON.stringify(p.variation.values)}` : p.name
        process.stdout.write(`${title}\n`)
        for (const n of p.nodes) {
          const from = Object.entries(n.inputs).map(([port, id]) => `${port}←${id}`).join(" ")
          const mark = n.action === "cached" ? "cached" : n.action === "run" ? "run   " : "later "
          process.stdout.write(`  ${mark} ${n.id.padEnd(16)} ${n.uses.padEnd(20)} ${from.padEnd(28)} ${n.reason}\n`)
        }
      }
      for (const e of estimateDatasets(pipelines[0]!.nodes, registry))
        process.stdout.write(`estimated: ${e.stage} makes about ${formatBytes(e.bytes)} of audio (${e.detail})\n`)
    })
).pipe(Command.withDescription("Show the stage graph and what a run would compute, without running"))

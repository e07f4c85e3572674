import * as Effect from "effect/Effect"
import { Argument, Command } from "effect/cli"
import { allowPluginsFlag, openStore, pluginsAllowed, setFlag, storeFlag } from "../shared-flags.js"
import { loadForCli } from "../load-config.js"
import { estimateDatasets, formatBytes } from "../../config/dataset-memory.js"

export const validateCommand = Command.make(
  "validate",
  { config: Argument.String("config").pipe(Argument.withDescription("Pipeline TOML file")), set: setFlag, allowPlugins: allowPluginsFlag, store: storeFlag },
  (args) =>
    Effect.gen(function* () {
      const { pipelines, registry } = yield* loadForCli(args.config, args.set, openStore(args.store), pluginsAllowed(args.allowPlugins))
      const nodes = pipelines[0]!.nodes.length
      const variations = pipelines.length > 1 ? `, ${pipelines.length} variations` : ""
      process.stdout.write(`${args.config}: ok (${nodes} stages${variations})\n`)
      for (const e of estimateDatasets(pipelines[0]!.nodes, registry))
        process.stdout.write(`  ${e.stage}: about ${formatBytes(e.bytes)} of audio (${e.detail})\n`)
    })
).pipe(Command.withDescription("Check a config (schema, ports, cycles) without running; exit 2 on any problem"))

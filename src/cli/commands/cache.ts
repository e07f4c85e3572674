import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import { existsSync } from "node:fs"
import { cacheStats, collectGarbage, verifyCache } from "../../engine/cache-maintenance.js"
import { jsonFlag, openStore, runsFlag, runsRootOf, storeFlag } from "../shared-flags.js"
import { UserError } from "../user-error.js"

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`

const stats = Command.make("stats", { store: storeFlag, runs: runsFlag, json: jsonFlag }, (args) =>
  Effect.promise(async () => {
    const store = openStore(args.store)
    const s = await cacheStats(store, runsRootOf(args.runs))
    if (args.json) return void process.stdout.write(JSON.stringify({ store: store.root, ...s }, null, 2) + "\n")
    process.stdout.write(
      `store ${store.root}\n  entries     ${s.entries} (${s.referencedEntries} referenced by runs)\n  objects     ${s.objects}, ${mib(s.bytes)}\n  checkpoints ${s.checkpoints}\n`
    )
  })
).pipe(Command.withDescription("Count entries, objects and bytes in the store"))

const verify = Command.make("verify", { store: storeFlag, json: jsonFlag }, (args) =>
  Effect.gen(function* () {
    const store = openStore(args.store)
    // verifying nothing is not "healthy": a mistyped --store must not pass
    if (!existsSync(store.root)) return yield* new UserError({ message: `cache verify: no store at ${store.root} (folder not found)`, exitCode: 2 })
    const result = yield* Effect.promise(() => verifyCache(store))
    if (args.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n")
    else {
      for (const c of result.corrupt) process.stdout.write(`corrupt: node ${c.stage} (${c.key.slice(0, 12)}): ${c.problems.join("; ")} — entry dropped\n`)
      process.stdout.write(`${result.checked} entries checked, ${result.corrupt.length} corrupt\n`)
    }
    if (result.corrupt.length > 0) {
      return yield* new UserError({ message: `${result.corrupt.length} corrupt entries dropped; the next run recomputes them`, exitCode: 1 })
    }
  })
).pipe(Command.withDescription("Checksum every stored object; drop entries whose objects are corrupt (exit 1 if any)"))

const gc = Command.make("gc", { store: storeFlag, runs: runsFlag, json: jsonFlag }, (args) =>
  Effect.promise(async () => {
    const store = openStore(args.store)
    const r = await collectGarbage(store, runsRootOf(args.runs))
    if (args.json) return void process.stdout.write(JSON.stringify(r, null, 2) + "\n")
    process.stdout.write(`removed ${r.entriesRemoved} entries and ${r.objectsRemoved} objects, freed ${mib(r.bytesFreed)}\n`)
  })
).pipe(Command.withDescription("Remove entries and objects that no run record references"))

export const cacheCommand = Command.make("cache").pipe(
  Command.withSubcommands([stats, verify, gc]),
  Command.withDescription("Inspect and maintain the content-addressed store")
)

import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { relative, resolve, isAbsolute } from "node:path"
import { createInterface } from "node:readline/promises"
import { cacheStats, collectGarbage, StoreBusy, verifyCache, type GcResult } from "../../engine/cache-maintenance.js"
import { registeredRunsRoots } from "../../engine/run-registry.js"
import { existsSync } from "node:fs"
import { collectSharedGarbage, SharedStoreBusy, verifySharedStore } from "../../engine/shared-maintenance.js"
import type { SharedStore } from "../../engine/shared-store.js"
import { jsonFlag, openSharedStore, openStore, runsFlag, runsRootOf, storeFlag } from "../shared-flags.js"
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
    const shared = yield* Effect.tryPromise({ try: () => openSharedStore(args.store), catch: asUserError })
    if (shared !== undefined) return yield* verifyShared(shared, args.json)
    const store = openStore(args.store)
    // verifying nothing is not "healthy": a mistyped --store must not pass
    if (!existsSync(store.root)) return yield* new UserError({ message: `cache verify: no store at ${store.root} (folder not found)`, exitCode: 2 })
    const result = yield* Effect.promise(() => verifyCache(store))
    if (args.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n")
    else {
      for (const c of result.corrupt) process.stdout.write(`corrupt: node ${c.stage} (${c.key.slice(0, 12)}): ${c.problems.join("; ")} — entry dropped\n`)
      for (const d of result.dropped) process.stdout.write(`dropped ${d}\n`)
      process.stdout.write(`${result.checked} entries checked, ${result.corrupt.length} corrupt${result.dropped.length > 0 ? `, ${result.dropped.length} memos/checkpoints dropped` : ""}\n`)
    }
    if (result.corrupt.length > 0 || result.dropped.length > 0) {
      return yield* new UserError({
        message: `${result.corrupt.length} corrupt entries and ${result.dropped.length} memos/checkpoints dropped; the next run recomputes them`,
        exitCode: 1
      })
    }
  })
).pipe(Command.withDescription("Checksum every stored object (reports included), validation memo and checkpoint; drop what is corrupt, saying why (exit 1 if any)"))

/** Why gc should ask first (a store shared with other runs folders, or a runs folder outside this project), or undefined. */
const whyAsk = async (storeRoot: string, runsRoot: string, registered: ReadonlyArray<string>): Promise<string | undefined> => {
  const others = registered.filter((r) => r !== runsRoot)
  if (others.length > 0) return `the store ${storeRoot} is shared with ${others.length} other runs folder(s) (${others.join(", ")}); their records count as references, but check before deleting`
  const rel = relative(process.cwd(), runsRoot)
  if (rel.startsWith("..") || isAbsolute(rel)) return `the runs folder ${runsRoot} is not inside the current folder ${process.cwd()}`
  return undefined
}

const confirm = async (question: string): Promise<boolean> => {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

const printGc = (r: GcResult, json: boolean) => {
  if (json) return void process.stdout.write(JSON.stringify(r, null, 2) + "\n")
  for (const f of r.forgottenFolders) process.stdout.write(`forgot runs folder ${f} (no longer exists)\n`)
  if (r.dryRun) for (const line of r.removed) process.stdout.write(`would remove ${line}\n`)
  else for (const line of r.removed.filter((l) => l.startsWith("checkpoint"))) process.stdout.write(`dropped ${line}\n`)
  const verb = r.dryRun ? "would remove" : "removed"
  process.stdout.write(
    `${verb} ${r.entriesRemoved} entries and ${r.objectsRemoved} objects, ${r.dryRun ? "freeing" : "freed"} ${mib(r.bytesFreed)}; ` +
      `kept ${r.keptYoung} unreferenced but younger than the grace period; references from ${r.runsFolders.length} runs folder(s)\n`
  )
}

const gc = Command.make(
  "gc",
  {
    store: storeFlag,
    runs: runsFlag,
    json: jsonFlag,
    dryRun: Flag.Boolean("dry-run").pipe(Flag.withDefault(false), Flag.withDescription("Only list what would be removed")),
    yes: Flag.Boolean("yes").pipe(Flag.withDefault(false), Flag.withDescription("Do not ask, even when the store is shared or the runs folder is not this project's")),
    grace: Flag.Int("grace-minutes").pipe(
      Flag.optional,
      Flag.withDescription("Keep unreferenced entries and objects younger than this many minutes (default 60)")
    )
  },
  (args) =>
    Effect.gen(function* () {
      const graceMinutes = Option.getOrElse(args.grace, () => 60)
      if (!Number.isSafeInteger(graceMinutes) || graceMinutes < 0) {
        return yield* new UserError({ message: `--grace-minutes must be a whole number >= 0 (got ${graceMinutes})`, exitCode: 2 })
      }
      const shared = yield* Effect.tryPromise({ try: () => openSharedStore(args.store), catch: asUserError })
      if (shared !== undefined) return yield* gcShared(shared, { graceMs: graceMinutes * 60_000, dryRun: args.dryRun, yes: args.yes, json: args.json })
      const store = openStore(args.store)
      const runsRoot = resolve(runsRootOf(args.runs))
      if (!args.dryRun && !args.yes) {
        const registered = yield* Effect.promise(() => registeredRunsRoots(store))
        const why = yield* Effect.promise(() => whyAsk(store.root, runsRoot, registered.map((r) => r.runs_root)))
        if (why !== undefined) {
          if (!process.stdin.isTTY) {
            return yield* new UserError({ message: `cache gc: ${why}. Rerun with --yes to delete anyway, or --dry-run to see what would go`, exitCode: 2 })
          }
          const ok = yield* Effect.promise(() => confirm(`${why}. Delete unreferenced entries and objects?`))
          if (!ok) return yield* new UserError({ message: "cache gc: nothing removed", exitCode: 1 })
        }
      }
      const result = yield* Effect.tryPromise({
        try: () => collectGarbage(store, { runsRoot, graceMs: graceMinutes * 60_000, dryRun: args.dryRun }),
        catch: (e) =>
          e instanceof StoreBusy
            ? new UserError({ message: `cache gc: ${e.message}; try again when they have finished`, exitCode: 1 })
            : new UserError({ message: `cache gc: ${(e as Error).message}`, exitCode: 1 })
      })
      printGc(result, args.json)
    })
).pipe(
  Command.withDescription(
    "Remove entries no run record of any runs folder using this store references, then unused objects (not while runs are in progress; --dry-run lists)"
  )
)

const asUserError = (e: unknown): UserError => (e instanceof UserError ? e : new UserError({ message: (e as Error)?.message ?? String(e), exitCode: 1 }))

/** `cache verify` on a shared store: every object downloaded and checksummed; corrupt entries deleted there. */
const verifyShared = (shared: SharedStore, json: boolean) =>
  Effect.gen(function* () {
    const result = yield* Effect.tryPromise({ try: () => verifySharedStore(shared), catch: asUserError }).pipe(Effect.ensuring(Effect.sync(() => shared.close())))
    if (json) process.stdout.write(JSON.stringify({ store: shared.url, ...result }, null, 2) + "\n")
    else {
      for (const c of result.corrupt) process.stdout.write(`corrupt: node ${c.stage} (${c.key.slice(0, 12)}): ${c.problems.join("; ")} — entry dropped\n`)
      process.stdout.write(`${shared.url}: ${result.checked} entries checked, ${result.corrupt.length} corrupt\n`)
    }
    if (result.corrupt.length > 0)
      return yield* new UserError({ message: `${result.corrupt.length} corrupt entries dropped from ${shared.url}; the next run recomputes them`, exitCode: 1 })
  })

/** `cache gc` on a shared store (engine/shared-maintenance.ts: leases, gc lock, run refs, grace period). */
const gcShared = (shared: SharedStore, options: { graceMs: number; dryRun: boolean; yes: boolean; json: boolean }) =>
  Effect.gen(function* () {
    if (!options.dryRun && !options.yes) {
      const why = `${shared.url} is shared by every machine that uses it`
      if (!process.stdin.isTTY) return yield* new UserError({ message: `cache gc: ${why}. Rerun with --yes to delete, or --dry-run to see what would go`, exitCode: 2 })
      const ok = yield* Effect.promise(() => confirm(`${why}. Delete unreferenced entries and objects?`))
      if (!ok) return yield* new UserError({ message: "cache gc: nothing removed", exitCode: 1 })
    }
    const r = yield* Effect.tryPromise({
      try: () => collectSharedGarbage(shared, { graceMs: options.graceMs, dryRun: options.dryRun }),
      catch: (e) =>
        new UserError({ message: `cache gc: ${(e as Error).message}${e instanceof SharedStoreBusy ? "; try again when they have finished" : ""}`, exitCode: 1 })
    }).pipe(Effect.ensuring(Effect.sync(() => shared.close())))
    if (options.json) return void process.stdout.write(JSON.stringify(r, null, 2) + "\n")
    if (r.dryRun) for (const line of r.removed) process.stdout.write(`would remove ${line}\n`)
    const verb = r.dryRun ? "would remove" : "removed"
    process.stdout.write(
      `${r.store}: ${verb} ${r.entriesRemoved} entries and ${r.objectsRemoved} objects, ${r.dryRun ? "freeing" : "freed"} ${mib(r.bytesFreed)}; ` +
        `kept ${r.keptYoung} unreferenced but younger than the grace period; references from ${r.refsKept} run(s), ${r.refsDropped} dropped (run folder gone)\n`
    )
  })

export const cacheCommand = Command.make("cache").pipe(
  Command.withSubcommands([stats, verify, gc]),
  Command.withDescription("Inspect and maintain the content-addressed store")
)

#!/usr/bin/env node
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { Command } from "effect/cli"
import type { CommandDefinition } from "./command-definition.js"
import { audiomlVersion } from "../engine/environment.js"
import { cliServices, runMain } from "./node-runtime.js"
import { toUserError } from "./user-error.js"

/**
 * Every subcommand, in the order `--help` lists them, each loaded on demand: a command's
 * module imports what it runs (the effect library, the models, the report), and `audioml
 * run` should not load `audioml predict`'s code.
 */
const commands: ReadonlyArray<readonly [string, () => Promise<CommandDefinition>]> = [
  ["run", async () => (await import("./commands/run.js")).runCommand],
  ["plan", async () => (await import("./commands/plan.js")).planCommand],
  ["validate", async () => (await import("./commands/validate.js")).validateCommand],
  ["cache", async () => (await import("./commands/cache.js")).cacheCommand],
  ["runs", async () => (await import("./commands/runs.js")).runsCommand],
  ["fx", async () => (await import("./commands/fx.js")).fxCommand],
  ["features", async () => (await import("./commands/features.js")).featuresCommand],
  ["process", async () => (await import("./commands/process.js")).processCommand],
  ["predict", async () => (await import("./commands/predict.js")).predictCommand],
  ["match", async () => (await import("./commands/match.js")).matchCommand],
  ["recommend", async () => (await import("./commands/recommend.js")).recommendCommand],
  ["export", async () => (await import("./commands/export.js")).exportCommand],
  ["report", async () => (await import("./commands/report.js")).reportCommand],
  ["style", async () => (await import("./commands/style.js")).styleCommand],
  ["worker", async () => (await import("./commands/worker.js")).workerCommand]
]

/** Errors meant for the user (see toUserError) print one clean message; anything else is a bug and says so. */
const messageOf = (error: unknown): { text: string; code: number } => {
  const user = toUserError(error)
  if (user !== undefined) return { text: user.message, code: user.exitCode }
  const e = error as { _tag?: string; message?: string }
  // effect/cli has already printed its usage errors (unknown flag, missing argument)
  if (typeof e?._tag === "string" && /^(UnrecognizedOption|DuplicateOption|MissingOption|MissingArgument|UnexpectedArgument|InvalidValue|UnknownSubcommand|ShowHelp)$/.test(e._tag)) {
    return { text: "", code: 2 }
  }
  return { text: `internal error: ${e?.message ?? String(error)} (please report this)`, code: 1 }
}

/**
 * When the first argument names a subcommand, only that one is loaded; anything else (no
 * argument, `--help`, a global flag first, a mistyped name) loads them all, so the help and
 * the "did you mean" of effect/cli see every command. (No top-level await: the bundle is a
 * CommonJS script, see scripts/bundle-cli.mjs.)
 */
const main = async (): Promise<void> => {
  const first = process.argv[2]
  const named = commands.find(([name]) => name === first)
  const subcommands = await Promise.all((named !== undefined ? [named] : commands).map(([, load]) => load()))

  const root = Command.make("audioml").pipe(
    Command.withDescription("Declarative audio machine-learning pipelines: one TOML file, a graph of cached stages"),
    Command.withSubcommands(subcommands as [CommandDefinition, ...CommandDefinition[]])
  )

  const program = Command.run(root, { version: audiomlVersion() }).pipe(Effect.provide(cliServices))

  runMain(program, {
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      if (Exit.isSuccess(exit)) return onExit(0)
      if (Cause.hasInterruptsOnly(exit.cause)) {
        process.stderr.write("audioml: interrupted; finished stages are cached\n")
        return onExit(130)
      }
      const { text, code } = messageOf(Cause.squash(exit.cause))
      if (text !== "") process.stderr.write(`audioml: ${text}\n`)
      onExit(code)
    }
  })
}

main().catch((error: unknown) => {
  process.stderr.write(`audioml: internal error: ${(error as Error)?.message ?? String(error)} (please report this)\n`)
  process.exitCode = 1
})

#!/usr/bin/env node
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { Command } from "effect/cli"
import { audiomlVersion } from "../engine/environment.js"
import { cacheCommand } from "./commands/cache.js"
import { featuresCommand } from "./commands/features.js"
import { fxCommand } from "./commands/fx.js"
import { exportCommand } from "./commands/export.js"
import { processCommand } from "./commands/process.js"
import { predictCommand } from "./commands/predict.js"
import { matchCommand } from "./commands/match.js"
import { recommendCommand } from "./commands/recommend.js"
import { reportCommand } from "./commands/report.js"
import { planCommand } from "./commands/plan.js"
import { runCommand } from "./commands/run.js"
import { runsCommand } from "./commands/runs.js"
import { styleCommand } from "./commands/style.js"
import { validateCommand } from "./commands/validate.js"
import { cliServices, runMain } from "./node-runtime.js"
import { toUserError } from "./user-error.js"

const root = Command.make("audioml").pipe(
  Command.withDescription("Declarative audio machine-learning pipelines: one TOML file, a graph of cached stages"),
  Command.withSubcommands([runCommand, planCommand, validateCommand, cacheCommand, runsCommand, fxCommand, featuresCommand, processCommand, predictCommand, matchCommand, recommendCommand, exportCommand, reportCommand, styleCommand])
)

const program = Command.run(root, { version: audiomlVersion() }).pipe(Effect.provide(cliServices))

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

import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { resolve } from "node:path"
import { UserError } from "../user-error.js"

/**
 * `audioml report <run-or-sweep>`: regenerate a run's report.html or a sweep's sweep.html.
 * The report code (and vega behind it) is imported only when this command runs.
 */
export const reportCommand = Command.make(
  "report",
  {
    target: Argument.String("run-or-sweep").pipe(
      Argument.withDescription("A run folder (runs/<name>/<run-id>), a sweep index (runs/<name>/sweeps/<id>.json) or its folder")
    ),
    metric: Flag.String("metric").pipe(Flag.optional, Flag.withDescription("Sweeps: the metric plotted against each swept parameter (default: the first ESR)"))
  },
  (args) =>
    Effect.gen(function* () {
      const { writeReportFor, ReportTargetError } = yield* Effect.promise(() => import("../../report/write-report.js"))
      const metric = Option.getOrUndefined(args.metric)
      const path = yield* Effect.tryPromise({
        try: () => writeReportFor(resolve(args.target), metric !== undefined ? { metric } : {}),
        catch: (e) =>
          e instanceof ReportTargetError
            ? new UserError({ message: e.message, exitCode: 2 })
            : new UserError({ message: `${args.target}: cannot write the report: ${e instanceof Error ? e.message : String(e)}`, exitCode: 1 })
      })
      process.stdout.write(path + "\n")
    })
).pipe(Command.withDescription("Regenerate report.html of a run folder, or sweep.html of a sweep"))

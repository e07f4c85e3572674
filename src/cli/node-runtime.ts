/**
 * The services effect/cli needs, built from core `effect` and `node:` modules, and the
 * process entry point that runs the CLI program.
 *
 * Why not `@effect/platform-node`: from 4.1 it (and its `undici` 8 dependency) declares
 * `node >= 22.19`, while audioml supports Node 20; and importing its `NodeServices` cost
 * 0.5–0.7 s of start-up. The CLI uses none of its file-system, socket or child-process code:
 * it needs the arguments, whether the streams are terminals, a line reader and a way to write.
 */
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Path from "effect/Path"
import * as Runtime from "effect/Runtime"
import * as Sink from "effect/Sink"
import * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"
import * as Terminal from "effect/Terminal"
import { ChildProcessSpawner } from "effect/process"
import { createInterface } from "node:readline"

const writeTo = (stream: NodeJS.WriteStream) =>
  Sink.forEach((chunk: string | Uint8Array) => Effect.sync(() => void stream.write(chunk)))

const stdio = Stdio.make({
  args: Effect.sync(() => process.argv.slice(2)),
  stdinIsTerminal: Effect.sync(() => process.stdin.isTTY === true),
  stdoutIsTerminal: Effect.sync(() => process.stdout.isTTY === true),
  stderrIsTerminal: Effect.sync(() => process.stderr.isTTY === true),
  stdout: () => writeTo(process.stdout),
  stderr: () => writeTo(process.stderr),
  // No command reads standard input through effect/cli: an empty stream, not a hang.
  stdin: Stream.empty
})

/** One line from standard input (a confirmation prompt); end of input counts as quitting. */
const readLine: Effect.Effect<string, Terminal.QuitError> = Effect.callback<string, Terminal.QuitError>((resume) => {
  const rl = createInterface({ input: process.stdin })
  let answered = false
  rl.once("line", (line) => {
    answered = true
    rl.close()
    resume(Effect.succeed(line))
  })
  rl.once("close", () => {
    if (!answered) resume(Effect.fail(new Terminal.QuitError({})))
  })
  return Effect.sync(() => rl.close())
})

const terminal = Terminal.make({
  columns: Effect.sync(() => process.stdout.columns ?? 80),
  rows: Effect.sync(() => process.stdout.rows ?? 24),
  size: Effect.die("audioml: terminal resize events are not used"),
  readInput: Effect.die("audioml: raw terminal input is not used"),
  readLine,
  display: (text) => Effect.sync(() => void process.stdout.write(text))
})

/**
 * The environment effect/cli's `Command.run` requires: real arguments, terminal detection,
 * output and line input; a file system and a process spawner that no audioml command uses
 * through Effect (they fail loudly if that ever changes).
 */
export const cliServices = Layer.mergeAll(
  FileSystem.layerNoop({}),
  Path.layer,
  Layer.succeed(Stdio.Stdio, stdio),
  Layer.succeed(Terminal.Terminal, terminal),
  Layer.succeed(ChildProcessSpawner.ChildProcessSpawner, ChildProcessSpawner.make(() => Effect.die("audioml: child processes are not spawned through Effect")))
)

/**
 * Runs the CLI program as the process's main fiber: SIGINT and SIGTERM interrupt it (so
 * stages stop and clean their scratch files), and `teardown` picks the exit code.
 */
export const runMain = Runtime.makeRunMain(({ fiber, teardown }) => {
  let receivedSignal = false
  const onSignal = () => {
    receivedSignal = true
    fiber.interruptUnsafe(fiber.id)
  }
  fiber.addObserver((exit) => {
    process.removeListener("SIGINT", onSignal)
    process.removeListener("SIGTERM", onSignal)
    teardown(exit, (code) => {
      if (receivedSignal || code !== 0) process.exit(code)
    })
  })
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
})

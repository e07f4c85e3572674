import type { NodeResult } from "./node-result.js"

/** How the engine tells the outside world what it does (the CLI draws bars or prints lines). */
export interface RunReporter {
  readonly nodeStarted: (id: string, uses: string, reason: string) => void
  readonly nodeProgress: (id: string, done: number, total: number, status?: string) => void
  readonly nodeLog: (id: string, message: string) => void
  readonly nodeFinished: (result: NodeResult) => void
  readonly warn: (message: string) => void
}

export const silentReporter: RunReporter = {
  nodeStarted: () => {},
  nodeProgress: () => {},
  nodeLog: () => {},
  nodeFinished: () => {},
  warn: () => {}
}

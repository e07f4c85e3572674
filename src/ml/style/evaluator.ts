/**
 * Runs SPSA's batches of evaluations: on a piscina pool of one thread per core when the
 * compiled worker exists (dist/ml/style/spsa-worker.js) and there are at least two cores,
 * in this thread otherwise (a one-core machine, or the tests running from TypeScript
 * sources). The audio travels as SharedArrayBuffer-backed arrays, so the workers read the
 * same memory instead of a copy per task.
 */
import { existsSync } from "node:fs"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import type { Piscina as PiscinaPool } from "piscina"
import { createRequire } from "node:module"
import type { BatchObjective } from "./spsa.js"
import { evaluateAt, type SearchSetup } from "./evaluation-task.js"

const workerFile = (): string | undefined => {
  const path = fileURLToPath(new URL("./spsa-worker.js", import.meta.url))
  return existsSync(path) ? path : undefined
}

const shared = (x: Float32Array): Float32Array => {
  const out = new Float32Array(new SharedArrayBuffer(x.byteLength))
  out.set(x)
  return out
}

export interface Evaluator {
  readonly evaluate: BatchObjective
  /** Threads evaluating (1 = in this thread). */
  readonly threads: number
  readonly close: () => Promise<void>
}

/** An evaluator for `setup`; `threads` caps the pool (default: every core). */
export const makeEvaluator = (setup: SearchSetup, threads = availableParallelism()): Evaluator => {
  const file = workerFile()
  if (file === undefined || threads < 2) {
    return { evaluate: async (points) => points.map((t) => evaluateAt(setup, t)), threads: 1, close: async () => {} }
  }
  // loaded here, not at import: only an SPSA search with two or more threads needs it
  const { Piscina } = createRequire(import.meta.url)("piscina") as { Piscina: typeof PiscinaPool }
  const pool = new Piscina({ filename: file, minThreads: threads, maxThreads: threads, idleTimeout: 1000 })
  const sharedSetup: SearchSetup = { ...setup, input: shared(setup.input), reference: shared(setup.reference) }
  return {
    evaluate: (points) => Promise.all(points.map((t) => pool.run({ setup: sharedSetup, t }) as Promise<number>)),
    threads,
    close: () => pool.destroy()
  }
}

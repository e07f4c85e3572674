import { existsSync } from "node:fs"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import type { Signal } from "../../dsp/signal.js"
import { extractFeatures, type ExtractedFeatures } from "../../features/extract.js"
import type { FeatureParams } from "../../features/feature-params.js"

/**
 * Extract features of many signals: across a piscina worker pool when there is enough
 * work and the compiled worker exists (dist/stages/features/worker.js), otherwise in this
 * thread (few clips, or running from TypeScript sources as the tests do). Results come
 * back in input order whatever order the workers finish in.
 */
const workerFile = (): string | undefined => {
  const path = fileURLToPath(new URL("./worker.js", import.meta.url))
  return existsSync(path) ? path : undefined
}

export interface PoolOptions {
  /** Use workers from this many signals on (default 4). */
  readonly minForPool?: number
  readonly onDone?: (done: number) => void
}

export const extractAll = async (
  signals: ReadonlyArray<Signal>,
  params: FeatureParams,
  options: PoolOptions = {}
): Promise<{ results: ExtractedFeatures[]; threads: number }> => {
  const file = workerFile()
  const threads = Math.max(1, Math.min(availableParallelism(), signals.length))
  let done = 0
  if (file === undefined || signals.length < (options.minForPool ?? 4) || threads < 2) {
    const results = signals.map((s) => {
      const r = extractFeatures(s, params)
      options.onDone?.(++done)
      return r
    })
    return { results, threads: 1 }
  }
  // loaded here, not at import: most commands (and every cached run) never start a pool
  const { Piscina } = await import("piscina")
  const pool = new Piscina({ filename: file, minThreads: 1, maxThreads: threads, idleTimeout: 1000 })
  try {
    const results = await Promise.all(
      signals.map(async (signal) => {
        const r = (await pool.run({ signal, params })) as ExtractedFeatures
        options.onDone?.(++done)
        return r
      })
    )
    return { results, threads }
  } finally {
    await pool.destroy()
  }
}

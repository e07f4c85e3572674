import { existsSync } from "node:fs"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"

/** How mapInOrder runs its tasks. */
export interface MapInOrderOptions {
  /** Use workers from this many tasks on (default 4): fewer are not worth a pool's start-up. */
  readonly minForPool?: number
  /** Called after each task with the number done so far (in completion order). */
  readonly onDone?: (done: number) => void
}

/**
 * Run `run` over `tasks` and return the results in input order: across a piscina pool of
 * one thread per core when the compiled worker `worker` exists (a `.js` file whose default
 * export is `run`), there are at least `minForPool` tasks and two or more cores; in this
 * thread otherwise (few tasks, one core, or the tests running from TypeScript sources, where
 * no compiled worker exists). The worker must compute exactly what `run` does: callers rely on
 * the same bytes either way. `threads` says which way it went.
 */
export const mapInOrder = async <T, R>(
  worker: URL,
  tasks: ReadonlyArray<T>,
  run: (task: T) => R,
  options: MapInOrderOptions = {}
): Promise<{ readonly results: R[]; readonly threads: number }> => {
  const file = fileURLToPath(worker)
  const threads = Math.max(1, Math.min(availableParallelism(), tasks.length))
  let done = 0
  if (!existsSync(file) || tasks.length < (options.minForPool ?? 4) || threads < 2) {
    const results = tasks.map((task) => {
      const r = run(task)
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
      tasks.map(async (task) => {
        const r = (await pool.run(task)) as R
        options.onDone?.(++done)
        return r
      })
    )
    return { results, threads }
  } finally {
    await pool.destroy()
  }
}

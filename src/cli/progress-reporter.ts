import type cliProgressModule from "cli-progress"
import { createRequire } from "node:module"
import type { NodeResult } from "../engine/node-result.js"
import type { RunReporter } from "../engine/run-reporter.js"

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`

const finishedLine = (r: NodeResult): string =>
  r.cached ? `✓ ${r.id} (${r.uses}) cached` : `✓ ${r.id} (${r.uses}) done in ${seconds(r.duration_ms)} — ran because: ${r.reason}`

/** Plain lines on stderr: for logs, CI and pipes. Progress is printed at most every 10 %. */
export const lineReporter = (write: (line: string) => void = (l) => process.stderr.write(l + "\n")): RunReporter => {
  const totals = new Map<string, { total: number; lastDecile: number }>()
  return {
    nodeStarted: (id, uses, reason) => write(`▶ ${id} (${uses}) running: ${reason}`),
    nodeProgress: (id, done, total, status) => {
      if (total >= 0) totals.set(id, { total, lastDecile: -1 })
      const t = totals.get(id)
      if (t === undefined || t.total <= 0) return
      const decile = Math.floor((10 * done) / t.total)
      if (decile === t.lastDecile || total >= 0) return
      t.lastDecile = decile
      write(`  ${id}: ${done}/${t.total}${status ? ` ${status}` : ""}`)
    },
    nodeLog: (id, message) => write(`  ${id}: ${message}`),
    nodeFinished: (r) => write(finishedLine(r)),
    warn: (message) => write(`warning: ${message}`)
  }
}

/** cli-progress bars, one per running stage, on a terminal. */
export const barReporter = (): RunReporter & { stop: () => void } => {
  // loaded here, not at import: only a run on a terminal draws bars
  const cliProgress = createRequire(import.meta.url)("cli-progress") as typeof cliProgressModule
  const multibar = new cliProgress.MultiBar(
    { format: " {bar} {percentage}% | {stage} {value}/{total} {status}", hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic
  )
  const bars = new Map<string, cliProgressModule.SingleBar>()
  // multibar.log only flushes on a redraw: with no bar on screen, write straight through
  const log = (line: string) => (bars.size > 0 ? multibar.log(line + "\n") : process.stderr.write(line + "\n"))
  return {
    nodeStarted: (id, uses, reason) => log(`▶ ${id} (${uses}) running: ${reason}`),
    nodeProgress: (id, done, total, status) => {
      let bar = bars.get(id)
      if (total >= 0) {
        if (bar === undefined) {
          bar = multibar.create(total, 0, { stage: id, status: "" })
          bars.set(id, bar)
        } else bar.setTotal(total)
      }
      bar?.update(done, { stage: id, status: status ?? "" })
    },
    nodeLog: (id, message) => log(`  ${id}: ${message}`),
    nodeFinished: (r) => {
      const bar = bars.get(r.id)
      if (bar !== undefined) {
        bar.stop()
        multibar.remove(bar)
        bars.delete(r.id)
      }
      log(finishedLine(r))
    },
    warn: (message) => log(`warning: ${message}`),
    stop: () => multibar.stop()
  }
}

/**
 * The reporter as `--log-level` allows: progress, stage lines and logs are Info, warnings
 * are Warn. `--log-level warn` keeps only warnings; `error` and `none` keep nothing.
 */
export const levelFiltered = (reporter: RunReporter, show: { readonly info: boolean; readonly warnings: boolean }): RunReporter => {
  const skip = () => {}
  return {
    nodeStarted: show.info ? reporter.nodeStarted : skip,
    nodeProgress: show.info ? reporter.nodeProgress : skip,
    nodeLog: show.info ? reporter.nodeLog : skip,
    nodeFinished: show.info ? reporter.nodeFinished : skip,
    warn: show.warnings ? reporter.warn : skip
  }
}

import { existsSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import type { Manifest } from "../engine/run-record.js"
import { writeRunReport } from "./run-page.js"
import { writeSweepReport } from "./sweep-page.js"

/**
 * The report entry point for the CLI: `audioml run` writes a run's page (and a sweep's) after
 * recording it, `audioml report <dir>` regenerates either. The CLI imports this module
 * lazily, so commands that write no report never load it.
 */

export { writeRunReport } from "./run-page.js"
export { writeSweepReport } from "./sweep-page.js"

/** A path `audioml report` cannot make a page for; the message names it and says what it accepts. */
export class ReportTargetError extends Error {}

/**
 * Regenerate the page of `target`: a run folder (has manifest.json) → its report.html; a sweep
 * index (`runs/<name>/sweeps/<id>.json`) or its folder (`sweeps/<id>/`) → sweep.html.
 * Returns the written page's path.
 */
export const writeReportFor = async (target: string, options: { readonly metric?: string } = {}): Promise<string> => {
  if (!existsSync(target)) throw new ReportTargetError(`${target}: no such file or folder`)
  const isDir = statSync(target).isDirectory()
  const folder = target.replace(/\/+$/, "")
  if (isDir && existsSync(join(folder, "manifest.json"))) {
    if (options.metric !== undefined) throw new ReportTargetError(`--metric: only for a sweep (${target} is a run folder)`)
    let manifest: Manifest
    try {
      manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as Manifest
    } catch (e) {
      throw new ReportTargetError(`${join(folder, "manifest.json")}: unreadable run record (${e instanceof Error ? e.message : String(e)})`)
    }
    if (!Array.isArray(manifest.nodes)) throw new ReportTargetError(`${join(folder, "manifest.json")}: not a run record (no nodes)`)
    return writeRunReport(folder, manifest)
  }
  const index = isDir ? `${folder}.json` : target
  if (index.endsWith(".json") && existsSync(index)) {
    try {
      return await writeSweepReport(index, options)
    } catch (e) {
      if (e instanceof SyntaxError) throw new ReportTargetError(`${index}: not valid JSON (${e.message})`)
      throw new ReportTargetError(e instanceof Error ? e.message : String(e))
    }
  }
  throw new ReportTargetError(`${target}: neither a run folder (with manifest.json) nor a sweep (runs/<name>/sweeps/<id>.json or its folder)`)
}

import { existsSync, readFileSync } from "node:fs"
import { basename, dirname, join, relative } from "node:path"
import { writeFileAtomic } from "../engine/atomic-write.js"
import type { Manifest } from "../engine/run-record.js"
import type { EpochRecord } from "./chart-specs.js"
import { fragmentCache } from "./fragment-cache.js"
import { escapeHtml, page, table, textCell } from "./html.js"

/** Chart specs and the renderer, imported when a chart is not cached. */
const charts = async () => {
  const [specs, render] = await Promise.all([import("./chart-specs.js"), import("./render-chart.js")])
  return { ...specs, chartFigure: render.chartFigure }
}

/**
 * sweep.html of a sweep: its runs side by side (the `runs compare` table: swept values,
 * final metrics, duration; sortable), the chosen metric against each swept parameter, and
 * the loss curves of every variation overlaid. Written to `runs/<name>/sweeps/<first-run-id>/`
 * next to the sweep's index `<first-run-id>.json`; links lead to each run's report.html.
 */

/** The sweep index that `audioml run` writes: `runs/<name>/sweeps/<first-run-id>.json`. */
export interface SweepIndex {
  readonly name: string
  readonly variations: ReadonlyArray<{ readonly id: string; readonly dir: string; readonly values: Readonly<Record<string, unknown>> }>
}

/** The folder that holds a sweep's sweep.html: its index path without `.json`. */
export const sweepFolderOf = (indexPath: string): string => join(dirname(indexPath), basename(indexPath, ".json"))

interface Variation {
  readonly id: string
  readonly dir: string
  readonly label: string
  readonly values: Readonly<Record<string, unknown>>
  readonly manifest: Manifest | undefined
  readonly metrics: ReadonlyArray<readonly [string, number]>
}

const readJson = <T>(path: string): T | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined)

const flatNumbers = (value: unknown, prefix = ""): Array<[string, number]> =>
  typeof value === "number"
    ? [[prefix, value]]
    : value !== null && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => flatNumbers(v, prefix === "" ? k : `${prefix}.${k}`))
      : []

/** A swept path's short name for axes and legends: `stages.fx_model.model.hidden` → `model.hidden`. */
const shortName = (path: string): string => path.split(".").slice(-2).join(".").replace(/^model\./, "")

const valueText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v))

/**
 * The metric a sweep is judged by when none is asked for: the first pooled ESR (evaluate ≥ 6),
 * else the first plain ESR (older metrics), else the first loss, else the first metric.
 */
export const defaultMetric = (names: ReadonlyArray<string>): string | undefined =>
  names.find((n) => /(^|\.)esr_pooled$/.test(n)) ?? names.find((n) => /(^|\.)esr$/.test(n)) ?? names.find((n) => /loss|mae|error/.test(n)) ?? names[0]

/**
 * The whole sweep page. `metric` picks the metric plotted against the swept parameters
 * (default: see defaultMetric); an unknown name throws, listing the metrics there are.
 */
export const renderSweepReport = async (indexPath: string, options: { readonly metric?: string } = {}): Promise<string> => {
  const index = readJson<SweepIndex>(indexPath)
  if (index === undefined || !Array.isArray(index.variations)) throw new Error(`${indexPath}: not a sweep index (expected { name, variations })`)
  const folder = sweepFolderOf(indexPath)
  const variations: Variation[] = index.variations.map((v) => {
    const manifest = readJson<Manifest>(join(v.dir, "manifest.json"))
    const metrics = flatNumbers(readJson<unknown>(join(v.dir, "metrics.json")) ?? {}).filter(([k]) => !/(^|\.)per_item\./.test(k))
    const label = Object.entries(v.values)
      .map(([k, x]) => `${shortName(k)}=${valueText(x)}`)
      .join(", ")
    return { id: v.id, dir: v.dir, values: v.values, manifest, metrics, label: label === "" ? v.id : label }
  })
  const swept = [...new Set(variations.flatMap((v) => Object.keys(v.values)))].sort()
  const differing = swept.filter((p) => new Set(variations.map((v) => valueText(v.values[p]))).size > 1)
  const metricNames = [...new Set(variations.flatMap((v) => v.metrics.map(([k]) => k)))]
  const metric = options.metric ?? defaultMetric(metricNames)
  if (options.metric !== undefined && !metricNames.includes(options.metric))
    throw new Error(`--metric ${options.metric}: no such metric in this sweep (metrics: ${metricNames.join(", ") || "none"})`)

  const rows = variations.map((v) => {
    const metrics = new Map(v.metrics)
    const report = join(v.dir, "report.html")
    const link = relative(folder, report)
    return [
      { html: `<code class="nowrap">${existsSync(report) ? `<a href="${escapeHtml(encodeURI(link))}">${escapeHtml(v.id)}</a>` : escapeHtml(v.id)}</code>`, value: v.id },
      ...differing.map((p) => textCell(v.values[p])),
      ...metricNames.map((m) => (metrics.has(m) ? textCell(metrics.get(m)) : { html: "" })),
      textCell(v.manifest !== undefined ? v.manifest.duration_ms / 1000 : null),
      textCell(v.manifest?.nodes.filter((n) => !n.cached).length ?? null)
    ]
  })
  const sections = [
    `<h2>Runs</h2><p>Click a column to sort. Each run links to its own report.</p>${table(["run", ...differing.map(shortName), ...metricNames, "duration (s)", "stages ran"], rows, { sortable: true })}`
  ]

  // charts: cached by the data they draw, so a rerun of a cached sweep loads no vega
  const cache = fragmentCache(variations.find((v) => v.manifest !== undefined)?.manifest?.store)
  if (metric !== undefined && differing.length > 0) {
    const data = differing.map((p) => {
      const others = differing.filter((q) => q !== p)
      return {
        param: p,
        rows: variations.flatMap((v) => {
          const y = new Map(v.metrics).get(metric)
          const x = v.values[p]
          if (y === undefined || (typeof x !== "number" && typeof x !== "string")) return []
          const series = others.map((q) => `${shortName(q)}=${valueText(v.values[q])}`).join(", ") || metric
          return [{ x, y, series }]
        })
      }
    })
    const html = await cache.get({ page: "sweep-metric", metric, data }, async () => {
      const { chartFigure, metricVsParamSpec } = await charts()
      const figures = await Promise.all(
        data.filter((d) => d.rows.length > 0).map((d) => chartFigure(metricVsParamSpec(d.rows, { x: shortName(d.param), y: metric }), `${metric} against ${d.param}`))
      )
      return figures.join("")
    })
    sections.push(`<h2>${escapeHtml(metric)} against each swept parameter</h2><div class="row">${html}</div>`)
  }

  const models = [...new Set(variations.flatMap((v) => (v.manifest?.nodes ?? []).filter((n) => n.kind === "Model").map((n) => n.id)))]
  for (const model of models) {
    const rowsOf = (pick: (h: EpochRecord) => number | null) =>
      variations.flatMap((v) => {
        const history = readJson<{ history?: EpochRecord[] }>(join(v.dir, model, "model-meta.json"))?.history ?? []
        return history.flatMap((h) => {
          const loss = pick(h)
          return loss !== null && Number.isFinite(loss) ? [{ epoch: h.epoch, loss, series: v.label }] : []
        })
      })
    const val = rowsOf((h) => h.val_loss)
    const curves = val.length > 0 ? { rows: val, title: "validation loss" } : { rows: rowsOf((h) => h.train_loss), title: "training loss" }
    if (curves.rows.length === 0) continue
    const html = await cache.get({ page: "sweep-loss", model, curves }, async () => {
      const { chartFigure, overlaidLossSpec } = await charts()
      return chartFigure(overlaidLossSpec(curves.rows, curves.title), `${model}: ${curves.title} per epoch of every variation`)
    })
    sections.push(`<h2>${escapeHtml(model)}: loss curves of all variations</h2>${html}`)
  }

  const subtitle = `${variations.length} variations of <code>${escapeHtml(index.name)}</code>; swept: ${swept.map((p) => `<code>${escapeHtml(p)}</code>`).join(", ")}`
  return page(`${index.name} sweep ${basename(indexPath, ".json")}`, subtitle, sections)
}

/** Write `<sweep folder>/sweep.html` for a sweep index; returns its path. */
export const writeSweepReport = async (indexPath: string, options: { readonly metric?: string } = {}): Promise<string> => {
  const path = join(sweepFolderOf(indexPath), "sweep.html")
  await writeFileAtomic(path, await renderSweepReport(indexPath, options))
  return path
}

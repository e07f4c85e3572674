import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { writeFileAtomic } from "../engine/atomic-write.js"
import type { Manifest } from "../engine/run-record.js"
import { flatten, formatValue } from "./flatten.js"

/**
 * report.html in a run folder: the stages (cached or why they ran), the metrics, each trained
 * model's loss curves, and audio players for the examples an evaluate stage wrote
 * (input / target / prediction). One self-contained file with relative links to the run's
 * own WAVs: no script, no network.
 */

const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

interface Epoch {
  readonly epoch: number
  readonly train_loss: number
  readonly val_loss: number | null
}

/** Train and validation loss against epoch, log-scaled, as an inline SVG. */
const lossChart = (history: ReadonlyArray<Epoch>): string => {
  const width = 520
  const height = 220
  const pad = 40
  const values = history.flatMap((h) => [h.train_loss, h.val_loss ?? Number.NaN]).filter((v) => Number.isFinite(v) && v > 0)
  if (history.length < 2 || values.length === 0) return ""
  const lo = Math.log10(Math.min(...values))
  const hi = Math.max(Math.log10(Math.max(...values)), lo + 1e-6)
  const x = (epoch: number) => pad + ((epoch - history[0]!.epoch) / (history[history.length - 1]!.epoch - history[0]!.epoch)) * (width - 2 * pad)
  const y = (v: number) => height - pad - ((Math.log10(v) - lo) / (hi - lo)) * (height - 2 * pad)
  const line = (pick: (h: Epoch) => number | null, colour: string) => {
    const points = history.filter((h) => (pick(h) ?? 0) > 0).map((h) => `${x(h.epoch).toFixed(1)},${y(pick(h)!).toFixed(1)}`)
    return points.length < 2 ? "" : `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(" ")}"/>`
  }
  return (
    `<svg width="${width}" height="${height}" role="img" aria-label="loss curves">` +
    `<rect x="${pad}" y="${pad / 2}" width="${width - 2 * pad}" height="${height - 1.5 * pad}" fill="none" stroke="#ccc"/>` +
    line((h) => h.train_loss, "#1f77b4") +
    line((h) => h.val_loss, "#d62728") +
    `<text x="${pad}" y="${height - 8}" font-size="11">epoch ${history[0]!.epoch}–${history[history.length - 1]!.epoch}; log loss ${(10 ** lo).toPrecision(2)}–${(10 ** hi).toPrecision(2)}; ` +
    `<tspan fill="#1f77b4">train</tspan> <tspan fill="#d62728">validation</tspan></text></svg>`
  )
}

const readJson = <T>(path: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T
  } catch {
    return undefined
  }
}

const audio = (src: string) => `<audio controls preload="none" src="${escape(src)}"></audio>`

export const renderRunReport = (dir: string, manifest: Manifest): string => {
  const sections: string[] = []
  const rows = manifest.nodes.map(
    (n) =>
      `<tr><td>${escape(n.id)}</td><td><code>${escape(n.uses)}</code></td><td>${n.cached ? "cached" : "ran"}</td>` +
      `<td>${n.cached ? "" : escape(n.reason)}</td><td class="num">${(n.duration_ms / 1000).toFixed(2)} s</td></tr>`
  )
  sections.push(`<h2>Stages</h2><table><tr><th>stage</th><th>uses</th><th></th><th>why it ran</th><th>time</th></tr>${rows.join("")}</table>`)

  const metrics = readJson<Record<string, unknown>>(join(dir, "metrics.json"))
  if (metrics !== undefined) {
    const cells = Object.entries(flatten(metrics))
      .filter(([, v]) => typeof v === "number")
      .map(([k, v]) => `<tr><td>${escape(k)}</td><td class="num">${escape(formatValue(v))}</td></tr>`)
    sections.push(`<h2>Metrics</h2><table>${cells.join("")}</table>`)
  }

  for (const node of manifest.nodes) {
    const meta = readJson<{ summary?: string; history?: Epoch[] }>(join(dir, node.id, "model-meta.json"))
    if (meta?.history !== undefined) {
      sections.push(`<h2>${escape(node.id)}: training</h2><p>${escape(meta.summary ?? "")}</p>${lossChart(meta.history)}`)
    }
    const examplesDir = join(dir, node.id, "examples")
    if (existsSync(examplesDir)) {
      const items = readdirSync(examplesDir).sort()
      const rowsHtml = items.map((id) => {
        const cell = (name: string) => (existsSync(join(examplesDir, id, `${name}.wav`)) ? audio(`${node.id}/examples/${id}/${name}.wav`) : "")
        return `<tr><td>${escape(id)}</td><td>${cell("input")}</td><td>${cell("target")}</td><td>${cell("prediction")}</td></tr>`
      })
      sections.push(`<h2>${escape(node.id)}: examples</h2><table><tr><th>clip</th><th>dry</th><th>target</th><th>prediction</th></tr>${rowsHtml.join("")}</table>`)
    }
  }

  const title = `${manifest.name} ${manifest.run_id}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin-bottom:1em}
td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
audio{width:15em}</style></head>
<body><h1>${escape(title)}</h1>
<p>${escape(manifest.status)} in ${(manifest.duration_ms / 1000).toFixed(2)} s · config <code>${escape(manifest.config)}</code>${
    manifest.variation ? ` · variation ${escape(JSON.stringify(manifest.variation.values))}` : ""
  }</p>
${sections.join("\n")}
</body></html>
`
}

export const writeRunReport = (dir: string, manifest: Manifest): Promise<void> =>
  writeFileAtomic(join(dir, "report.html"), renderRunReport(dir, manifest))

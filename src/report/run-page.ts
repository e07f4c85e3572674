import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { writeFileAtomic } from "../engine/atomic-write.js"
import type { Manifest } from "../engine/run-record.js"
import { fragmentCache, type FragmentCache } from "./fragment-cache.js"
import { escapeHtml, page, table, textCell } from "./html.js"
import type { NodeView } from "./run-sections.js"

/**
 * report.html of a run folder: the stages (cached, or why they ran), the metrics, then per
 * stage what there is to look at — loss curves, evaluation examples with spectrograms and
 * waveforms, a gallery of the dataset, validation failures, skipped files, alignment lags,
 * feature plots. Every kind of run gets a page: a dataset-only run shows its data.
 */

/** The section renderers (run-sections.ts), by name: imported only when a fragment is not cached. */
type SectionName = "sourceSection" | "validateSection" | "splitSection" | "gallerySection" | "featuresSection" | "trainingSection" | "evaluationSection"

const DATASET_KINDS = new Set(["AudioSet", "PairedAudioSet"])

/** The dataset stage whose clips the gallery shows: the last one before training windows. */
const galleryNode = (nodes: Manifest["nodes"]): string | undefined => {
  const datasets = nodes.filter((n) => DATASET_KINDS.has(n.kind))
  return (datasets.filter((n) => n.uses !== "dataset.segment").at(-1) ?? datasets.at(-1))?.id
}

/** The sections one node contributes, in page order. */
const sectionsOf = (node: Manifest["nodes"][number], gallery: string | undefined): SectionName[] => {
  const out: SectionName[] = []
  if (node.uses === "source.wav_dir" || node.uses === "source.pairs") out.push("sourceSection")
  if (node.uses === "dataset.validate") out.push("validateSection")
  if (node.uses === "dataset.split") out.push("splitSection")
  if (node.id === gallery) out.push("gallerySection")
  if (node.kind === "FeatureSet") out.push("featuresSection")
  if (node.kind === "Model") out.push("trainingSection")
  if (node.kind === "Metrics") out.push("evaluationSection")
  return out
}

/**
 * A node's sections, rendered or from the cache: they read only that node's folder, whose
 * content the node's key and artifact hash fix. A section that cannot render (a damaged
 * file) says why in the page instead of failing the run.
 */
const nodeHtml = async (dir: string, node: Manifest["nodes"][number], gallery: string | undefined, cache: FragmentCache): Promise<string> => {
  const sections = sectionsOf(node, gallery)
  if (sections.length === 0) return ""
  const view: NodeView = { dir, id: node.id, uses: node.uses, kind: node.kind }
  const render = async () => {
    try {
      // the renderers pull in audio decoding, mel, PNG and (lazily) vega: a cached page needs none
      const renderers = await import("./run-sections.js")
      return (await Promise.all(sections.map((s) => renderers[s](view)))).join("")
    } catch (e) {
      return `<h2>${escapeHtml(node.id)}</h2><p class="warn">could not render this stage's report: ${escapeHtml(e instanceof Error ? e.message : String(e))}</p>`
    }
  }
  return cache.get({ page: "run", id: node.id, uses: node.uses, key: node.key, artifact: node.artifact, gallery: node.id === gallery }, render)
}

const stagesTable = (manifest: Manifest, withSection: ReadonlySet<string>): string =>
  table(
    ["stage", "uses", "", "why it ran", "time"],
    manifest.nodes.map((n) => [
      { html: withSection.has(n.id) ? `<a href="#${escapeHtml(n.id)}">${escapeHtml(n.id)}</a>` : escapeHtml(n.id) },
      { html: `<code>${escapeHtml(n.uses)}</code>` },
      { html: n.cached ? "cached" : "ran" },
      { html: n.cached ? "" : escapeHtml(n.reason) },
      { html: `${(n.duration_ms / 1000).toFixed(2)} s`, value: n.duration_ms, numeric: true }
    ])
  )

const flatNumbers = (value: unknown, prefix = ""): Array<[string, number]> =>
  typeof value === "number"
    ? [[prefix, value]]
    : value !== null && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => flatNumbers(v, prefix === "" ? k : `${prefix}.${k}`))
      : []

/** The whole page of a run folder (reads the folder; charts and images from `cache` when there). */
export const renderRunReport = async (dir: string, manifest: Manifest, cache: FragmentCache = fragmentCache(manifest.store)): Promise<string> => {
  const gallery = galleryNode(manifest.nodes)
  const nodeSections = await Promise.all(manifest.nodes.map((n) => nodeHtml(dir, n, gallery, cache)))
  const withSection = new Set(manifest.nodes.filter((_, i) => nodeSections[i] !== "").map((n) => n.id))
  const sections = [`<h2>Stages</h2>${stagesTable(manifest, withSection)}`]
  const metricsPath = join(dir, "metrics.json")
  if (existsSync(metricsPath)) {
    const rows = flatNumbers(JSON.parse(readFileSync(metricsPath, "utf8"))).filter(([k]) => !/\.per_item\./.test(k))
    if (rows.length > 0) sections.push(`<h2>Metrics</h2>${table(["metric", "value"], rows.map(([k, v]) => [textCell(k), textCell(v)]))}`)
  }
  if (manifest.error !== undefined) sections.push(`<h2>Error</h2><p class="warn">${escapeHtml(manifest.error)}</p>`)
  // results first (models, evaluations), then the data in pipeline order
  const rank = (kind: string) => (kind === "Model" || kind === "Metrics" ? 0 : 1)
  const order = manifest.nodes.map((n, i) => ({ i, rank: rank(n.kind) })).sort((a, b) => a.rank - b.rank || a.i - b.i)
  sections.push(...order.map(({ i }) => nodeSections[i]!).filter((s) => s !== ""))
  const subtitle =
    `${escapeHtml(manifest.status)} in ${(manifest.duration_ms / 1000).toFixed(2)} s · ${manifest.nodes.filter((n) => n.cached).length} of ${manifest.nodes.length} stages cached` +
    ` · config <code>${escapeHtml(manifest.config)}</code>` +
    (manifest.variation ? ` · variation ${manifest.variation.index + 1}/${manifest.variation.count} <code>${escapeHtml(JSON.stringify(manifest.variation.values))}</code>` : "")
  return page(`${manifest.name} ${manifest.run_id}`, subtitle, sections)
}

/** Write `<dir>/report.html` (atomically). */
export const writeRunReport = async (dir: string, manifest: Manifest): Promise<string> => {
  const path = join(dir, "report.html")
  await writeFileAtomic(path, await renderRunReport(dir, manifest))
  return path
}

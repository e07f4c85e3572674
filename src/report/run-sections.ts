import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { decodeNpy } from "../audio/npy.js"
import { toMono } from "../dsp/signal.js"
import { decodeWav } from "../audio/wav.js"
import { lagSpec, lossCurvesSpec, seriesLinesSpec, strongestOnset, waveformSpec, type EpochRecord } from "./chart-specs.js"
import { audioPlayer, cellText, escapeHtml, figure, formatNumber, image, table, textCell } from "./html.js"
import { chartFigure } from "./render-chart.js"
import { matrixImage, sharedSpectrograms, spectrogramThumbnail } from "./spectrogram.js"

/**
 * The sections of a run's report.html, one renderer per kind of stage output. Each reads
 * only its own stage's folder in the run (so its HTML can be cached by that node's key):
 * training curves, evaluate examples (players, spectrograms, waveforms), a dataset gallery,
 * validation failures, skipped files and alignment lags, feature plots.
 */

/** What a section renderer knows of its node. */
export interface NodeView {
  /** The run folder. */
  readonly dir: string
  readonly id: string
  readonly uses: string
  /** Artifact kind: "AudioSet", "PairedAudioSet", "FeatureSet", "Model", "Metrics", ... */
  readonly kind: string
}

/** Clips shown in a dataset gallery at most. */
export const GALLERY_CLIPS = 12
/** Evaluate examples shown with spectrograms at most. */
export const EXAMPLES_SHOWN = 4
/** Feature items plotted at most. */
export const FEATURE_ITEMS = 3
/** Rows of a failure or skipped-file list at most (the rest is counted). */
export const LIST_ROWS = 50

const readJson = <T>(path: string): T | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined)

const readMono = (path: string): { samples: Float32Array; sampleRate: number } => {
  const signal = decodeWav(new Uint8Array(readFileSync(path)))
  return { samples: toMono(signal), sampleRate: signal.sampleRate }
}

const heading = (node: NodeView, what: string): string => `<h2 id="${escapeHtml(node.id)}">${escapeHtml(node.id)}: ${escapeHtml(what)} <code>${escapeHtml(node.uses)}</code></h2>`

const bounded = <T>(rows: ReadonlyArray<T>, render: (rows: ReadonlyArray<T>) => string, what: string): string =>
  render(rows.slice(0, LIST_ROWS)) + (rows.length > LIST_ROWS ? `<p>… and ${rows.length - LIST_ROWS} more ${what} (see the stage's report.json)</p>` : "")

/** Labels as key=value; past the first few, behind a "more" toggle. */
const labelList = (labels: Readonly<Record<string, unknown>>, shown = 4): string => {
  const items = Object.entries(labels).map(([k, v]) => `<code>${escapeHtml(k)}</code>=${escapeHtml(cellText(v))}`)
  if (items.length === 0) return ""
  const rest = items.length > shown ? `<details><summary>${items.length - shown} more labels</summary>${items.slice(shown).join("<br>")}</details>` : ""
  return `<div class="labels">${items.slice(0, shown).join("<br>")}${rest}</div>`
}

// ---------------------------------------------------------------- training

interface ModelMeta {
  readonly summary?: string
  readonly backend?: string
  readonly parameters?: number
  readonly loss?: string
  readonly history?: EpochRecord[]
  readonly training?: { best_epoch?: number; best_val_loss?: number; stopped_early?: boolean; train_examples?: number; val_examples?: number }
}

/** A trained model: summary, parameters, and its loss curves (with lr and the best epoch). */
export const trainingSection = async (node: NodeView): Promise<string> => {
  const meta = readJson<ModelMeta>(join(node.dir, node.id, "model-meta.json"))
  if (meta === undefined) return ""
  const t = meta.training ?? {}
  const facts = [
    meta.summary,
    meta.parameters !== undefined ? `${meta.parameters} parameters` : undefined,
    meta.loss !== undefined ? `loss ${meta.loss}` : undefined,
    meta.backend !== undefined ? `backend ${meta.backend}` : undefined,
    t.best_epoch !== undefined ? `best epoch ${t.best_epoch}${t.best_val_loss !== undefined ? ` (validation loss ${formatNumber(t.best_val_loss)})` : ""}` : undefined,
    t.stopped_early ? "stopped early" : undefined,
    t.train_examples !== undefined ? `${t.train_examples} training / ${t.val_examples ?? 0} validation examples` : undefined
  ].filter((f): f is string => f !== undefined)
  const history = meta.history ?? []
  const chart =
    history.length > 0
      ? await chartFigure(lossCurvesSpec(history, t.best_epoch), "Loss per epoch (train, validation), learning rate on the right axis (dashed), best epoch marked.")
      : ""
  return `${heading(node, "training")}<p>${escapeHtml(facts.join(" · "))}</p>${chart}`
}

// ---------------------------------------------------------------- evaluation

/** Numeric metrics of one evaluate stage (nested objects flattened to dotted names). */
const flatNumbers = (value: unknown, prefix = ""): Array<[string, number]> =>
  typeof value === "number"
    ? [[prefix, value]]
    : value !== null && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => flatNumbers(v, prefix === "" ? k : `${prefix}.${k}`))
      : []

const exampleBlock = async (node: NodeView, exampleId: string): Promise<string> => {
  const base = join(node.dir, node.id, "examples", exampleId)
  const rel = (name: string) => `${node.id}/examples/${exampleId}/${name}.wav`
  const roles = [
    ["input", "dry"],
    ["target", "target"],
    ["prediction", "prediction"]
  ] as const
  const present = roles.filter(([file]) => existsSync(join(base, `${file}.wav`)))
  const players = present.map(([file, label]) => `<div>${escapeHtml(label)}<br>${audioPlayer(rel(file), `${exampleId} ${label}`)}</div>`).join("")
  const signals = new Map(present.map(([file, label]) => [label, readMono(join(base, `${file}.wav`))]))
  const target = signals.get("target")
  const prediction = signals.get("prediction")
  if (target === undefined) return `<h3>${escapeHtml(exampleId)}</h3><div class="row">${players}</div>`
  const sampleRate = target.sampleRate
  const shown: Array<{ name: string; samples: Float32Array }> = [...signals.entries()].map(([name, s]) => ({ name, samples: s.samples }))
  if (prediction !== undefined) {
    const n = Math.min(target.samples.length, prediction.samples.length)
    const error = new Float32Array(n)
    for (let i = 0; i < n; i++) error[i] = target.samples[i]! - prediction.samples[i]!
    shown.push({ name: "|target − prediction|", samples: error })
  }
  // about 300 frames whatever the clip's length (hop a power of two, 32 to 256 samples)
  const hop = 2 ** Math.min(8, Math.max(5, Math.floor(Math.log2(target.samples.length / 300))))
  const specs = sharedSpectrograms(
    shown.map((s) => s.samples),
    sampleRate,
    { hop }
  )
  const spectros = shown
    .map((s, i) => `<figure class="spectro">${image(specs.images[i]!, `log-mel spectrogram: ${s.name}`)}<figcaption>${escapeHtml(s.name)}</figcaption></figure>`)
    .join("")
  const colorbar =
    `<div class="colorbar">${specs.lowDb.toFixed(0)} dB ${image(specs.colorbar, "colour scale", "bar")} ${specs.highDb.toFixed(0)} dB` +
    ` · one scale for all ${shown.length} · mel bands 0–${(specs.maxHz / 1000).toFixed(1)} kHz (low at the bottom) · 0–${specs.seconds.toFixed(2)} s · magma</div>`
  const lines = [...signals.entries()].filter(([name]) => name !== "dry" || prediction === undefined).map(([name, s]) => ({ name, samples: s.samples }))
  const overview = await chartFigure(waveformSpec(lines, sampleRate, [0, target.samples.length], { title: "waveform" }), "Target and prediction over the whole clip (min/max per pixel column).")
  const onset = strongestOnset(target.samples)
  const zoomLength = Math.min(target.samples.length, Math.round(sampleRate * 0.012))
  const zoomStart = Math.max(0, Math.min(onset - Math.round(zoomLength / 4), target.samples.length - zoomLength))
  const zoom = await chartFigure(
    waveformSpec([...signals.entries()].map(([name, s]) => ({ name, samples: s.samples })), sampleRate, [zoomStart, zoomStart + zoomLength], {
      title: `zoom: the strongest transient at ${(onset / sampleRate).toFixed(3)} s`,
      width: 420
    }),
    `Every sample of ${((zoomLength / sampleRate) * 1000).toFixed(0)} ms around the target's largest energy rise.`
  )
  return `<h3>${escapeHtml(exampleId)}</h3><div class="row">${players}</div><div class="row">${spectros}</div>${colorbar}<div class="row">${overview}${zoom}</div>`
}

/** An evaluate stage: its metrics, and for each example players, spectrograms and waveforms. */
export const evaluationSection = async (node: NodeView): Promise<string> => {
  const metrics = readJson<unknown>(join(node.dir, node.id, "metrics.json"))
  const parts = [heading(node, "evaluation")]
  if (metrics !== undefined) {
    const rows = flatNumbers(metrics).filter(([k]) => !k.startsWith("per_item"))
    if (rows.length > 0) parts.push(table(["metric", "value"], rows.slice(0, 200).map(([k, v]) => [textCell(k), textCell(v)])))
  }
  const examplesDir = join(node.dir, node.id, "examples")
  if (existsSync(examplesDir)) {
    const ids = readdirSync(examplesDir).sort()
    for (const id of ids.slice(0, EXAMPLES_SHOWN)) parts.push(await exampleBlock(node, id))
    if (ids.length > EXAMPLES_SHOWN) parts.push(`<p>… and ${ids.length - EXAMPLES_SHOWN} more examples in <code>${escapeHtml(node.id)}/examples/</code></p>`)
  }
  return parts.length > 1 ? parts.join("") : ""
}

// ---------------------------------------------------------------- datasets

interface DatasetMeta {
  readonly clips?: Array<{ id: string; file: string; labels: Record<string, unknown>; split?: string; sample_rate: number; samples: number }>
  readonly pairs?: Array<{ id: string; input: string; target: string; labels: Record<string, unknown>; split?: string; sample_rate: number; samples: number }>
}

/** Evenly spread picks, so the gallery shows the whole set, not its first clips. */
const spread = <T>(items: ReadonlyArray<T>, count: number): T[] =>
  items.length <= count ? [...items] : Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!)

/** A dataset (AudioSet or PairedAudioSet): size and splits, then a gallery of clips. */
export const gallerySection = async (node: NodeView): Promise<string> => {
  const meta = readJson<DatasetMeta>(join(node.dir, node.id, "meta.json"))
  if (meta === undefined) return ""
  const folder = join(node.dir, node.id)
  const entries: Array<{ id: string; labels: Record<string, unknown>; split: string | undefined; seconds: number; files: ReadonlyArray<readonly [string, string]> }> =
    meta.pairs?.map((p) => ({ id: p.id, labels: p.labels, split: p.split, seconds: p.samples / p.sample_rate, files: [["dry", p.input], ["wet", p.target]] })) ??
    meta.clips?.map((c) => ({ id: c.id, labels: c.labels, split: c.split, seconds: c.samples / c.sample_rate, files: [["audio", c.file]] })) ??
    []
  const splits = new Map<string, number>()
  for (const e of entries) splits.set(e.split ?? "—", (splits.get(e.split ?? "—") ?? 0) + 1)
  const total = entries.reduce((s, e) => s + e.seconds, 0)
  const summary = `<p>${entries.length} ${meta.pairs !== undefined ? "dry/wet pairs" : "clips"}, ${total.toFixed(1)} s in all${
    splits.size > 1 || !splits.has("—") ? ` · split ${[...splits.entries()].map(([k, v]) => `${escapeHtml(k)} ${v}`).join(", ")}` : ""
  }</p>`
  const picked = spread(entries, GALLERY_CLIPS)
  const cards = picked.map((e) => {
    const media = e.files
      .map(([role, file]) => {
        const { samples, sampleRate } = readMono(join(folder, file))
        return `<div class="media">${image(spectrogramThumbnail(samples, sampleRate), `${e.id} ${role} spectrogram`, "thumb")}<span>${escapeHtml(role)}</span>${audioPlayer(`${node.id}/${file}`, `${e.id} ${role}`)}</div>`
      })
      .join("")
    return `<div class="card"><div class="title"><code>${escapeHtml(e.id)}</code> · ${e.seconds.toFixed(2)} s${e.split !== undefined ? ` · ${escapeHtml(e.split)}` : ""}</div><div class="row">${media}</div>${labelList(e.labels)}</div>`
  })
  const caption = `<p>${entries.length > picked.length ? `${picked.length} of ${entries.length}, spread over the set. ` : ""}Log-mel thumbnails, each on its own scale.</p>`
  return `${heading(node, "dataset")}${summary}${caption}<div class="gallery">${cards.join("")}</div>`
}

// ---------------------------------------------------------------- stage reports

interface ValidateReport {
  readonly total: number
  readonly failed: number
  readonly on_fail: string
  readonly checks: string[]
  readonly by_check: Record<string, number>
  readonly items: Array<{ id: string; ok: boolean; failures: Array<{ check: string; detail: string }> }>
}

/** dataset.validate: the checks, how many failed which, and every failing item. */
export const validateSection = async (node: NodeView): Promise<string> => {
  const r = readJson<ValidateReport>(join(node.dir, node.id, "report.json"))
  if (r === undefined) return ""
  const failing = r.items.filter((i) => !i.ok)
  const by = Object.entries(r.by_check)
  const head = `<p>${r.total} items checked (${r.checks.map(escapeHtml).join(", ")}); ${
    r.failed === 0 ? `<span class="ok">all passed</span>` : `<span class="warn">${r.failed} failed</span> (${by.map(([k, v]) => `${escapeHtml(k)} ${v}`).join(", ")}), on_fail = ${escapeHtml(r.on_fail)}`
  }</p>`
  const list = failing.length === 0 ? "" : bounded(failing, (rows) => table(["item", "failures"], rows.map((i) => [textCell(i.id), { html: i.failures.map((f) => escapeHtml(f.detail)).join("<br>") }])), "failing items")
  return `${heading(node, "validation")}${head}${list}`
}

interface SourceReport {
  readonly files?: number
  readonly clips?: number
  readonly pairs?: number
  readonly skipped?: Array<{ file?: string; id?: string; reason: string }>
  readonly too_short?: string[]
  readonly unmatched?: unknown[]
  readonly length_mismatch?: Array<{ id: string; input_samples: number; target_samples: number; kept: number }>
  readonly alignment?: Array<{ id: string; lag: number | null; correlation: number | null; action: string; reason?: string }>
}

/** File sources (source.wav_dir, source.pairs): skipped files, unmatched ones, alignment lags. */
export const sourceSection = async (node: NodeView): Promise<string> => {
  const r = readJson<SourceReport>(join(node.dir, node.id, "report.json"))
  if (r === undefined) return ""
  const parts = [heading(node, "source files")]
  const count = r.pairs !== undefined ? `${r.pairs} pairs` : `${r.clips ?? 0} clips from ${r.files ?? 0} files`
  const skipped = r.skipped ?? []
  parts.push(`<p>${count}; ${skipped.length === 0 ? `<span class="ok">no file skipped</span>` : `<span class="warn">${skipped.length} skipped</span>`}</p>`)
  if (skipped.length > 0) parts.push(bounded(skipped, (rows) => table(["skipped file", "why"], rows.map((s) => [textCell(s.file ?? s.id ?? ""), textCell(s.reason)])), "skipped files"))
  if ((r.too_short ?? []).length > 0) parts.push(`<p class="warn">Shorter than one segment: ${r.too_short!.slice(0, LIST_ROWS).map(escapeHtml).join(", ")}</p>`)
  if ((r.unmatched ?? []).length > 0)
    parts.push(`<p class="warn">Unmatched files: ${r.unmatched!.slice(0, LIST_ROWS).map((u) => escapeHtml(cellText(u))).join(", ")}</p>`)
  if ((r.length_mismatch ?? []).length > 0)
    parts.push(
      bounded(r.length_mismatch!, (rows) => table(["pair", "input samples", "target samples", "kept"], rows.map((m) => [textCell(m.id), textCell(m.input_samples), textCell(m.target_samples), textCell(m.kept)])), "length mismatches")
    )
  const lags = (r.alignment ?? []).filter((a): a is typeof a & { lag: number } => typeof a.lag === "number")
  if (lags.length > 0) parts.push(await chartFigure(lagSpec(lags.map((a) => ({ id: a.id, lag: a.lag, action: a.action }))), "Alignment lag of each pair (target against input, samples; 0 = aligned)."))
  return parts.join("")
}

// ---------------------------------------------------------------- features

interface FeatureMeta {
  readonly features: Record<string, { dims: number; hop: number; unit: string; description: string }>
  readonly items: Array<{ id: string; source: string; sample_rate: number; features: Record<string, { file: string; shape: [number, number]; times: string }> }>
}

const readMatrix = (folder: string, file: string): Float32Array => {
  const a = decodeNpy(new Uint8Array(readFileSync(join(folder, file))))
  return a.data instanceof Float32Array ? a.data : Float32Array.from(a.data)
}

/** A features stage: for a few items, the mel image and F0 and loudness against time. */
export const featuresSection = async (node: NodeView): Promise<string> => {
  const folder = join(node.dir, node.id)
  const meta = readJson<FeatureMeta>(join(folder, "meta.json"))
  if (meta === undefined) return ""
  const parts = [heading(node, "features"), `<p>${meta.items.length} feature items: ${Object.keys(meta.features).map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")}</p>`]
  const ids = [...new Set(meta.items.map((i) => i.id))]
  for (const id of spread(ids, FEATURE_ITEMS)) {
    const items = meta.items.filter((i) => i.id === id)
    const row: string[] = []
    for (const item of items) {
      const mel = item.features["mel"]
      if (mel === undefined) continue
      const data = readMatrix(folder, mel.file)
      const db = /db/i.test(meta.features["mel"]?.unit ?? "") ? data : data.map((v) => 10 * Math.log10(Math.max(1e-10, v)))
      row.push(figure(image(matrixImage(db, mel.shape[0], mel.shape[1]), `${id} ${item.source} mel`), `mel, ${item.source} (${mel.shape[0]} bands × ${mel.shape[1]} frames, 80 dB range)`, "spectro"))
    }
    const lineOf = (name: string, mask?: string) =>
      items.flatMap((item) => {
        const f = item.features[name]
        if (f === undefined || f.shape[0] !== 1) return []
        const values = readMatrix(folder, f.file)
        const times = decodeNpy(new Uint8Array(readFileSync(join(folder, f.times)))).data
        const voiced = mask !== undefined && item.features[mask] !== undefined ? readMatrix(folder, item.features[mask]!.file) : undefined
        return Array.from(values, (v, t) => ({ x: times[t]!, y: voiced !== undefined && !(voiced[t]! > 0) ? null : v, series: item.source }))
      })
    const f0 = lineOf("f0", "voiced")
    if (f0.some((p) => p.y !== null && p.y > 0)) row.push(await chartFigure(seriesLinesSpec(f0.filter((p) => p.y === null || p.y > 0), { x: "time (s)", y: "F0 (Hz)", logY: true }), "F0 (voiced frames)"))
    const loud = lineOf("loudness")
    if (loud.length > 0) row.push(await chartFigure(seriesLinesSpec(loud, { x: "time (s)", y: `loudness (${meta.features["loudness"]?.unit ?? ""})` }), "loudness"))
    parts.push(`<h3>${escapeHtml(id)}</h3><div class="row">${row.join("")}</div>`)
  }
  return parts.join("")
}

/** dataset.split: how many items went where. */
export const splitSection = async (node: NodeView): Promise<string> => {
  const r = readJson<{ by?: string; counts?: Record<string, number> }>(join(node.dir, node.id, "report.json"))
  if (r?.counts === undefined) return ""
  return `${heading(node, "split")}${table(["split", "items"], Object.entries(r.counts).map(([k, v]) => [textCell(k), textCell(v)]))}`
}

import type { TopLevelSpec } from "vega-lite"

/**
 * The report's charts as Vega-Lite specs (data inline). Each builder returns the spec and the
 * names of the series it draws: the page records them (data-series) and the browser test
 * checks that every one became marks.
 */

/** A chart spec and the series it draws. */
export interface ChartSpec {
  readonly spec: TopLevelSpec
  readonly series: ReadonlyArray<string>
}

/** One epoch of a training history, as model-meta.json stores it. */
export interface EpochRecord {
  readonly epoch: number
  readonly train_loss: number
  readonly val_loss: number | null
  readonly lr?: number
}

const positive = (values: ReadonlyArray<number>): boolean => values.length > 0 && values.every((v) => v > 0)

/** Log scale when every value is positive and they span more than a factor of 10. */
const scaleFor = (values: ReadonlyArray<number>): { type: "log" } | { type: "linear"; zero: false } => {
  const finite = values.filter((v) => Number.isFinite(v))
  return positive(finite) && Math.max(...finite) / Math.min(...finite) > 10 ? { type: "log" } : { type: "linear", zero: false }
}

/** Fixed colours for the audio roles, the same in every chart of a page. */
const ROLE_COLOURS: Readonly<Record<string, string>> = { dry: "#9a9a9a", input: "#9a9a9a", target: "#1f77b4", prediction: "#d62728" }

const SERIES_COLOURS = ["#1f77b4", "#d62728", "#7f7f7f", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]

/**
 * Train and validation loss per epoch (log scale where it spans a decade), the learning rate
 * on a second axis (dashed), and a rule at the best epoch.
 */
export const lossCurvesSpec = (history: ReadonlyArray<EpochRecord>, bestEpoch?: number, width = 560, height = 260): ChartSpec => {
  const losses = history.flatMap((h) => [
    { epoch: h.epoch, value: h.train_loss, series: "train" },
    ...(h.val_loss !== null && Number.isFinite(h.val_loss) ? [{ epoch: h.epoch, value: h.val_loss, series: "validation" }] : [])
  ])
  const lrs = history.filter((h) => typeof h.lr === "number" && Number.isFinite(h.lr)).map((h) => ({ epoch: h.epoch, lr: h.lr!, series: "learning rate" }))
  const series = [...new Set(losses.map((l) => l.series)), ...(lrs.length > 0 ? ["learning rate"] : [])]
  const colour = { field: "series", type: "nominal", title: null, scale: { domain: series, range: ["#1f77b4", "#d62728", "#999999"].slice(0, series.length) } } as const
  const x = { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1, format: "d" } } as const
  const layers: unknown[] = [
    {
      data: { values: losses },
      mark: { type: "line", point: { size: 24 }, strokeWidth: 2 },
      encoding: { x, y: { field: "value", type: "quantitative", title: "loss", scale: scaleFor(losses.map((l) => l.value)) }, color: colour }
    }
  ]
  if (lrs.length > 0)
    layers.push({
      data: { values: lrs },
      mark: { type: "line", strokeDash: [5, 3], strokeWidth: 1.5 },
      encoding: {
        x,
        y: { field: "lr", type: "quantitative", title: "learning rate", axis: { orient: "right", format: ".1e" }, scale: scaleFor(lrs.map((l) => l.lr)) },
        color: colour
      }
    })
  if (bestEpoch !== undefined && history.some((h) => h.epoch === bestEpoch)) {
    // the label goes on the side of the rule with more room
    const first = history[0]!.epoch
    const last = history[history.length - 1]!.epoch
    const right = last > first && (bestEpoch - first) / (last - first) > 0.6
    layers.push({
      data: { values: [{ epoch: bestEpoch, label: `best epoch ${bestEpoch}` }] },
      layer: [
        { mark: { type: "rule", color: "#2ca02c", strokeWidth: 1.5 }, encoding: { x: { field: "epoch", type: "quantitative" } } },
        {
          mark: { type: "text", align: right ? "right" : "left", dx: right ? -4 : 4, baseline: "top", color: "#2ca02c", fontSize: 11 },
          encoding: { x: { field: "epoch", type: "quantitative" }, y: { value: 4 }, text: { field: "label" } }
        }
      ]
    })
  }
  return {
    spec: { $schema: "https://vega.github.io/schema/vega-lite/v6.json", width, height, layer: layers, resolve: { scale: { y: "independent" } } } as TopLevelSpec,
    series
  }
}

/** Peak-preserving decimation: each bucket's minimum and maximum, in time order. */
const envelope = (y: Float32Array, start: number, end: number, buckets: number, sampleRate: number, series: string) => {
  const out: Array<{ t: number; v: number; series: string }> = []
  const n = end - start
  if (n <= buckets * 2) {
    for (let i = start; i < end; i++) out.push({ t: i / sampleRate, v: y[i]!, series })
    return out
  }
  for (let b = 0; b < buckets; b++) {
    const s = start + Math.floor((b * n) / buckets)
    const e = start + Math.floor(((b + 1) * n) / buckets)
    let lo = Infinity
    let hi = -Infinity
    let loAt = s
    let hiAt = s
    for (let i = s; i < e; i++) {
      const v = y[i]!
      if (v < lo) ((lo = v), (loAt = i))
      if (v > hi) ((hi = v), (hiAt = i))
    }
    const [first, second] = loAt <= hiAt ? [loAt, hiAt] : [hiAt, loAt]
    out.push({ t: first / sampleRate, v: y[first]!, series }, { t: second / sampleRate, v: y[second]!, series })
  }
  return out
}

/**
 * Waveforms of several signals overlaid over [start, end) samples, decimated to `buckets`
 * min/max pairs per signal (raw samples when the range is short).
 */
export const waveformSpec = (
  signals: ReadonlyArray<{ readonly name: string; readonly samples: Float32Array }>,
  sampleRate: number,
  range: readonly [number, number],
  options: { readonly width?: number; readonly height?: number; readonly buckets?: number; readonly title?: string } = {}
): ChartSpec => {
  const [start, end] = range
  const values = signals.flatMap((s) => envelope(s.samples, start, Math.min(end, s.samples.length), options.buckets ?? 400, sampleRate, s.name))
  const series = signals.map((s) => s.name)
  const zoomed = end - start <= (options.buckets ?? 400) * 2
  return {
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width: options.width ?? 560,
      height: options.height ?? 160,
      ...(options.title !== undefined ? { title: { text: options.title, fontSize: 12, anchor: "start" } } : {}),
      data: { values },
      mark: { type: "line", strokeWidth: zoomed ? 1.5 : 1, opacity: 0.85, interpolate: "linear" },
      encoding: {
        x: { field: "t", type: "quantitative", title: "time (s)", scale: { domain: [start / sampleRate, end / sampleRate], nice: false } },
        y: { field: "v", type: "quantitative", title: "amplitude" },
        color: { field: "series", type: "nominal", title: null, scale: { domain: series, range: series.map((name, i) => ROLE_COLOURS[name] ?? SERIES_COLOURS[i % SERIES_COLOURS.length]!) } },
        detail: { field: "series" }
      }
    } as TopLevelSpec,
    series
  }
}

/**
 * The sample where the strongest onset starts: the largest rise of short-time energy between
 * consecutive 256-sample blocks (the attack a model is most likely to smear).
 */
export const strongestOnset = (y: Float32Array, block = 256): number => {
  let best = 0
  let bestRise = -Infinity
  let previous = 0
  for (let s = 0; s + block <= y.length; s += block) {
    let e = 0
    for (let i = s; i < s + block; i++) e += y[i]! * y[i]!
    const rise = e - previous
    if (s > 0 && rise > bestRise) ((bestRise = rise), (best = s))
    previous = e
  }
  return best
}

/** Lines of y against x for several named series (e.g. F0 or loudness against time). */
export const seriesLinesSpec = (
  points: ReadonlyArray<{ readonly x: number; readonly y: number | null; readonly series: string }>,
  axes: { readonly x: string; readonly y: string; readonly logY?: boolean },
  width = 360,
  height = 150
): ChartSpec => {
  const series = [...new Set(points.map((p) => p.series))]
  return {
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width,
      height,
      data: { values: points.filter((p) => p.y !== null && Number.isFinite(p.y)) },
      mark: { type: "line", strokeWidth: 1.5, point: false },
      encoding: {
        x: { field: "x", type: "quantitative", title: axes.x },
        y: { field: "y", type: "quantitative", title: axes.y, scale: axes.logY ? { type: "log" } : { zero: false } },
        color: { field: "series", type: "nominal", title: null, scale: { domain: series, range: SERIES_COLOURS.slice(0, series.length) } }
      }
    } as TopLevelSpec,
    series
  }
}

/** Alignment lag per pair (source.pairs), coloured by what was done with it. */
export const lagSpec = (rows: ReadonlyArray<{ readonly id: string; readonly lag: number; readonly action: string }>, width = 560): ChartSpec => {
  const series = [...new Set(rows.map((r) => r.action))]
  return {
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width,
      height: 160,
      data: { values: rows.map((r, index) => ({ ...r, index })) },
      layer: [
        { mark: { type: "rule", color: "#bbb" }, encoding: { y: { datum: 0 } } },
        {
          mark: { type: "point", filled: true, size: 40 },
          encoding: {
            x: { field: "index", type: "quantitative", title: "pair (in file order)", axis: { tickMinStep: 1, format: "d" } },
            y: { field: "lag", type: "quantitative", title: "lag (samples)" },
            color: { field: "action", type: "nominal", title: "action", scale: { domain: series, range: SERIES_COLOURS.slice(0, series.length) } },
            tooltip: [{ field: "id" }, { field: "lag" }, { field: "action" }]
          }
        }
      ]
    } as TopLevelSpec,
    series
  }
}

/**
 * A metric against one swept parameter, one line/point series per value of the other swept
 * parameters (e.g. ESR against hidden size, one line per cell). Numeric parameters on a
 * quantitative axis (log when they span a decade), others as categories.
 */
export const metricVsParamSpec = (
  rows: ReadonlyArray<{ readonly x: number | string; readonly y: number; readonly series: string }>,
  axes: { readonly x: string; readonly y: string },
  width = 300,
  height = 200
): ChartSpec => {
  const numeric = rows.every((r) => typeof r.x === "number")
  const series = [...new Set(rows.map((r) => r.series))]
  const xs = rows.map((r) => r.x).filter((x): x is number => typeof x === "number")
  return {
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width,
      height,
      data: { values: rows.map((r) => ({ ...r, x: numeric ? r.x : String(r.x) })) },
      mark: { type: "line", point: { size: 50, filled: true }, strokeWidth: 1.5 },
      encoding: {
        x: numeric
          ? { field: "x", type: "quantitative", title: axes.x, scale: positive(xs) && Math.max(...xs) / Math.min(...xs) >= 8 ? { type: "log", base: 2 } : { zero: false }, axis: { values: [...new Set(xs)].sort((a, b) => a - b) } }
          : { field: "x", type: "nominal", title: axes.x, axis: { labelAngle: 0 } },
        y: { field: "y", type: "quantitative", title: axes.y, scale: scaleFor(rows.map((r) => r.y)) },
        color: { field: "series", type: "nominal", title: null, scale: { domain: series, range: SERIES_COLOURS.slice(0, series.length) } }
      }
    } as TopLevelSpec,
    series
  }
}

/** Loss curves of several runs overlaid (one colour per run), log scale where it fits. */
export const overlaidLossSpec = (
  rows: ReadonlyArray<{ readonly epoch: number; readonly loss: number; readonly series: string }>,
  yTitle: string,
  width = 560,
  height = 260
): ChartSpec => {
  const series = [...new Set(rows.map((r) => r.series))]
  return {
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width,
      height,
      data: { values: rows },
      mark: { type: "line", strokeWidth: 1.8, point: { size: 16 } },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1, format: "d" } },
        y: { field: "loss", type: "quantitative", title: yTitle, scale: scaleFor(rows.map((r) => r.loss)) },
        color: { field: "series", type: "nominal", title: "variation", scale: { domain: series, range: SERIES_COLOURS.slice(0, Math.max(1, series.length)) } }
      }
    } as TopLevelSpec,
    series
  }
}

import type { TopLevelSpec } from "vega-lite"

/**
 * Vega-Lite specs rendered to SVG strings in node (vega's headless `View.toSVG()`, no browser,
 * no canvas). vega and vega-lite are imported on first use only: they cost about a second to
 * load, which a run whose report is cached, or a command without charts, never pays.
 */

type VegaModules = readonly [typeof import("vega"), typeof import("vega-lite")]

let modules: Promise<VegaModules> | undefined

const loadVega = (): Promise<VegaModules> => (modules ??= Promise.all([import("vega"), import("vega-lite")]))

/** Shared look: system font, light grid, no chart border. */
const CONFIG = {
  font: "system-ui, -apple-system, Segoe UI, sans-serif",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: "#eee" },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 }
} as const

/**
 * Render one Vega-Lite spec to an SVG string (width/height as the spec sets them). Data must
 * be inline (`values`): the renderer loads nothing from disk or network.
 */
export const renderChart = async (spec: TopLevelSpec): Promise<string> => {
  const [vega, vegaLite] = await loadVega()
  const compiled = vegaLite.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec
  const view = new vega.View(vega.parse(compiled), { renderer: "none" })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

/**
 * A rendered chart in a figure; `data-series` lists the series it draws (the browser test
 * checks each has marks).
 */
export const chartFigure = async (chart: { readonly spec: TopLevelSpec; readonly series: ReadonlyArray<string> }, caption: string): Promise<string> => {
  const svg = await renderChart(chart.spec)
  const series = JSON.stringify(chart.series).replace(/&/g, "&amp;").replace(/'/g, "&#39;")
  const text = caption.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  return `<figure class="chart" data-series='${series}'>${svg}<figcaption>${text}</figcaption></figure>`
}

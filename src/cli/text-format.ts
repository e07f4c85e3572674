import type { PipelineSpec } from "../engine/pipeline-spec.js"
import { formatValue } from "./flatten.js"

/**
 * Plain-text tables for the terminal: every column as wide as its widest cell, so rows line
 * up whatever the data (a stage with several inputs, a long run name). Cells are left-aligned
 * unless `alignRight[i]` is true (numbers). The last column is not padded.
 */
export const alignColumns = (rows: ReadonlyArray<ReadonlyArray<string>>, alignRight: ReadonlyArray<boolean> = []): string[] => {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 && !alignRight[i] ? cell : alignRight[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  )
}

/**
 * The heading of one sweep variation, the same in `plan`, `run` and `runs`:
 * `training [2/3] stages.fx_model.model.hidden=16`; just the name outside a sweep.
 */
export const variationTitle = (name: string, variation: PipelineSpec["variation"] | null | undefined): string =>
  variation
    ? `${name} [${variation.index + 1}/${variation.count}] ${Object.entries(variation.values)
        .map(([path, value]) => `${path}=${typeof value === "string" ? value : formatValue(value)}`)
        .join(" ")}`
    : name

import type { JsonSchema } from "./schema.js"
import { leafInfo } from "./values.js"

/**
 * Markdown tables of parameter schemas (name, unit, range, default, description), for the
 * README's generated reference (`npm run docs`): the schemas are the single source of
 * truth, so the docs cannot drift from the code. catalog.ts renders whole catalogs with them.
 */

type Schema = Record<string, unknown>
const asSchema = (v: unknown): Schema => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Schema) : {})

/**
 * Table-cell text: pipes escaped, one line, and <...> placeholders outside `code` shown as
 * text rather than read as HTML tags (inside backticks markdown already shows them as is).
 */
export const cell = (text: string): string =>
  text
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ")
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("`")

const show = (v: unknown): string => (v === undefined ? "" : typeof v === "string" ? `"${v}"` : JSON.stringify(v))

const acceptsDistribution = (s: Schema): boolean =>
  Array.isArray(s["anyOf"]) && (s["anyOf"] as unknown[]).some((b) => asSchema(b)["type"] === "object")

interface Row {
  readonly name: string
  readonly unit: string
  readonly range: string
  readonly def: string
  readonly description: string
}

const rowOf = (name: string, schema: JsonSchema): Row => {
  const s = schema as Schema
  const info = leafInfo(schema)
  const description = String(s["description"] ?? "") + (!acceptsDistribution(s) && (info?.kind === "number" || info?.kind === "integer") ? " (constant only)" : "")
  let range = ""
  if (info?.kind === "enum") range = (info.values ?? []).map(show).join(", ")
  else if (info?.kind === "number" || info?.kind === "integer") {
    const lo = info.minimum !== undefined ? String(info.minimum) : "-inf"
    const hi = info.maximum !== undefined ? String(info.maximum) : "inf"
    range = `${lo} .. ${hi}${info.kind === "integer" ? " (integer)" : ""}`
  } else if (s["type"] === "array") range = "list"
  else if (info !== undefined) range = info.kind
  return { name, unit: info?.unit ?? "", range, def: show(s["default"]), description }
}

/** A markdown table of an object schema's properties (name, unit, range, default, description). */
export const renderParamTable = (properties: Readonly<Record<string, unknown>>, required: ReadonlyArray<string> = []): string => {
  const lines = ["| Parameter | Unit | Range | Default | Description |", "|---|---|---|---|---|"]
  for (const [name, schema] of Object.entries(properties)) {
    if (name === "uses") continue
    const r = rowOf(name, schema as JsonSchema)
    const def = r.def === "" && required.includes(name) ? "required" : r.def
    lines.push(`| \`${r.name}\` | ${cell(r.unit)} | ${cell(r.range)} | ${cell(def)} | ${cell(r.description)} |`)
  }
  return lines.join("\n")
}

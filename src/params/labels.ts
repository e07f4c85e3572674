import type { JsonSchema } from "./schema.js"
import { leafInfo, schemaAt } from "./values.js"

/**
 * Labels: every value a clip carries besides its audio (generator parameters, applied
 * effect parameters, knob values, file-name fields), stored with the clip and read by
 * train/evaluate as conditioning inputs or regression targets.
 *
 * Applied-parameter labels have a typed name, {@link ParamLabel}, written and read only
 * through {@link formatParamLabel} and {@link parseParamLabel}; its range comes from the
 * parameter's schema ({@link paramLabelRange}), and {@link normaliseToRange} maps a value
 * into [0, 1] with it.
 */

/** One label value. */
export type LabelValue = number | string | boolean

/** A clip's labels, by name. */
export type Labels = Readonly<Record<string, LabelValue>>

/**
 * The name of a label that records one applied parameter of a list of `uses` items (an
 * effect chain): `fx.1.distortion.tanh.drive_db` is `{ source: "fx", index: 1, uses:
 * "distortion.tanh", param: "drive_db" }`; `fx_norm.1.…` is the same with `normalised`.
 */
export interface ParamLabel {
  /** The label prefix, e.g. "fx" (effects.chain's `labels.prefix`). */
  readonly source: string
  /** The item's position in its list (0-based, as in `chain[i]`). */
  readonly index: number
  /** The item's `uses`, e.g. "distortion.tanh". */
  readonly uses: string
  /** The parameter's path inside the item: `drive_db`, `bands[1].gain_db`, `mix`. */
  readonly param: string
  /** The value mapped to [0, 1] with the schema range (written under `<source>_norm.`). */
  readonly normalised?: boolean
}

const normSuffix = "_norm"

/** The label's name: `<source>[_norm].<index>.<uses>.<param>`. */
export const formatParamLabel = (label: ParamLabel): string =>
  `${label.source}${label.normalised === true ? normSuffix : ""}.${label.index}.${label.uses}.${label.param}`

/**
 * Read a label name back into its parts, given the `uses` names it may contain (they
 * contain dots themselves, so the longest one that fits wins). Undefined when `name` is
 * not an applied-parameter label.
 */
export const parseParamLabel = (name: string, knownUses: Iterable<string>): ParamLabel | undefined => {
  const m = /^([A-Za-z0-9_-]+)\.(\d+)\.(.+)$/.exec(name)
  if (m === null) return undefined
  const rest = m[3]!
  let uses: string | undefined
  for (const u of knownUses) if (rest.startsWith(`${u}.`) && (uses === undefined || u.length > uses.length)) uses = u
  if (uses === undefined) return undefined
  const normalised = m[1]!.endsWith(normSuffix) && m[1]!.length > normSuffix.length
  return {
    source: normalised ? m[1]!.slice(0, -normSuffix.length) : m[1]!,
    index: Number(m[2]),
    uses,
    param: rest.slice(uses.length + 1),
    ...(normalised ? { normalised } : {})
  }
}

/** A numeric range; either end may be open. */
export interface LabelRange {
  readonly minimum?: number
  readonly maximum?: number
}

/**
 * The valid range of an applied-parameter label: the schema range of its parameter in
 * `itemSchema` (the item's params schema), or [0, 1] for a normalised label. Undefined for
 * parameters that are not numbers or that the schema does not know.
 */
export const paramLabelRange = (label: ParamLabel, itemSchema: JsonSchema | undefined): LabelRange | undefined => {
  if (label.normalised === true) return { minimum: 0, maximum: 1 }
  const leaf = itemSchema === undefined ? undefined : schemaAt(itemSchema, label.param)
  const info = leaf === undefined ? undefined : leafInfo(leaf)
  if (info === undefined || (info.kind !== "number" && info.kind !== "integer")) return undefined
  return { ...(info.minimum !== undefined ? { minimum: info.minimum } : {}), ...(info.maximum !== undefined ? { maximum: info.maximum } : {}) }
}

/** `value` mapped into [0, 1] with a finite `range` (clamped); undefined without one or for a non-number. */
export const normaliseToRange = (range: LabelRange | undefined, value: unknown): number | undefined => {
  if (range === undefined || typeof value !== "number") return undefined
  if (range.minimum === undefined || range.maximum === undefined || !(range.maximum > range.minimum)) return undefined
  const t = (value - range.minimum) / (range.maximum - range.minimum)
  return t < 0 ? 0 : t > 1 ? 1 : t
}

/**
 * Label prefixes for a list of `uses` items (generators, augmentation steps): `<uses>`
 * when a kind appears once, `<uses>[k]` (k = its occurrence among that kind) when it
 * repeats, e.g. ["gain", "noise", "gain"] → ["gain[0]", "noise", "gain[1]"].
 */
export const itemLabelPrefixes = (uses: ReadonlyArray<string>): string[] => {
  const seen = new Map<string, number>()
  return uses.map((u) => {
    const repeated = uses.filter((x) => x === u).length > 1
    const k = seen.get(u) ?? 0
    seen.set(u, k + 1)
    return repeated ? `${u}[${k}]` : u
  })
}

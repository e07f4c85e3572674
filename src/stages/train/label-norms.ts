import { chainLabelRange } from "../../effects/chain.js"
import { synthLabelClasses, synthLabelGroup, synthLabelRange } from "../../synth/preset-labels.js"

import { labelValue, type LabelNorm } from "../../ml/model-meta.js"
import { DataError, ParameterError } from "../../errors/audioml-error.js"

/** `labels.<name>` in the train stage's params: where a model label comes from and its range. */
export interface LabelSource {
  readonly from?: string
  readonly map?: Readonly<Record<string, number>>
  readonly range?: readonly [number, number]
}

/**
 * The LabelNorm of each named model label (conditioning inputs or regression targets).
 * The range is `labels.<name>.range` when given (an override); else, for an applied-effect
 * label without a `map` (`fx.1.distortion.tanh.drive_db`), the parameter's schema range
 * (params/labels.ts) when both ends are finite; for a synth parameter label (`synth.<p>`,
 * `synth.<p>.norm`) amsynth's range; else the min and max of the mapped values
 * over `items` (the training items), widened to a unit span when they are all equal.
 */
export const resolveLabelNorms = (
  names: ReadonlyArray<string>,
  sources: Readonly<Record<string, LabelSource>>,
  items: ReadonlyArray<{ readonly id: string; readonly labels: Readonly<Record<string, unknown>> }>,
  what: string,
  options: { readonly classify?: boolean } = {}
): LabelNorm[] =>
  names.map((name) => {
    const src = sources[name] ?? {}
    const from = src.from ?? name
    // enum synth parameters are classified by models that can (options.classify), and every synth label has its component group
    const classes = options.classify === true && src.map === undefined ? synthLabelClasses(from) : undefined
    const group = synthLabelGroup(from)
    const base = { name, from, ...(src.map !== undefined ? { map: src.map } : {}), ...(classes !== undefined ? { classes } : {}), ...(group !== undefined ? { group } : {}) }
    const schemaRange = src.map === undefined ? (chainLabelRange(base.from) ?? synthLabelRange(base.from)) : undefined
    const given =
      src.range ??
      (schemaRange?.minimum !== undefined && schemaRange.maximum !== undefined ? ([schemaRange.minimum, schemaRange.maximum] as const) : undefined)
    if (given !== undefined) {
      if (!(given[1] > given[0])) throw new ParameterError({ parameter: `labels.${name}.range`, message: `labels.${name}.range must be [low, high] with high > low, got [${given.join(", ")}]` })
      // still read every value, so a missing label is reported before training starts
      for (const item of items) labelValue(base, item.labels, item.id)
      return { ...base, range: [given[0], given[1]] as const }
    }
    if (items.length === 0) throw new DataError({ message: `${what} "${name}": no training items to measure its range; give labels.${name}.range` })
    let lo = Infinity
    let hi = -Infinity
    for (const item of items) {
      const v = labelValue(base, item.labels, item.id)
      if (!Number.isFinite(v)) throw new DataError({ message: `label "${base.from}" of item "${item.id}" is not finite (${v})` })
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
    return { ...base, range: (hi > lo ? [lo, hi] : [lo, lo + 1]) as readonly [number, number] }
  })

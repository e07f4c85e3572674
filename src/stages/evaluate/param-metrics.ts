/**
 * Metrics of a parameter model (model.param_regressor, model.mlp) on held-out items:
 * per target the mean absolute error in the label's unit and normalised to [0, 1] (its
 * range), the accuracy of classified targets, the mean normalised MAE per component group
 * and over all targets, and the floor a model must beat (predicting the training mean, or
 * the training split's most frequent class).
 */
import { decodeTargetOutputs, denormaliseLabel, labelValue, normaliseLabel, type LabelNorm } from "../../ml/model-meta.js"

type Labelled = { readonly id: string; readonly labels: Readonly<Record<string, unknown>> }

/** Metrics of a parameter model; every per-target record is keyed by target name. */
export interface ParamMetrics {
  /** Mean |predicted − true| in each target's unit. */
  readonly mae: Record<string, number>
  /** Mean |predicted − true| of the normalised values ([0, 1] over the target's range). */
  readonly mae_normalised: Record<string, number>
  /** Mean of mae_normalised over the targets of each component group. */
  readonly mae_normalised_by_group: Record<string, number>
  /** Mean of mae_normalised over every target (classified ones by their class's normalised value). */
  readonly mae_normalised_mean: number
  /** Mean of mae_normalised over the regressed targets only (null when all are classified). */
  readonly mae_normalised_mean_regressed: number | null
  /** Fraction of items whose class is right, per classified target. */
  readonly accuracy: Record<string, number>
  /** Mean of `accuracy` over the classified targets (null when none). */
  readonly accuracy_mean: number | null
  /** Normalised MAE of predicting the training mean (regressed) or the most frequent training class (classified). */
  readonly baseline_mae_normalised: Record<string, number>
  /** The same baseline in each target's unit. */
  readonly baseline_mae: Record<string, number>
  readonly baseline_mae_normalised_mean: number | null
  /** Accuracy of always predicting the most frequent training class. */
  readonly baseline_accuracy: Record<string, number>
}

/** Per-item rows for tables: true and predicted values in units. */
export interface ParamPrediction {
  readonly id: string
  readonly values: Record<string, { readonly true: number; readonly predicted: number }>
}

const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length
const round = (v: number): number => Math.round(v * 1e6) / 1e6

/** The class of a normalised value of a target with n classes. */
const classOf = (n: number, unit: number): number => Math.min(n - 1, Math.max(0, Math.round(unit * (n - 1))))

/**
 * Compute the metrics from raw model outputs (one row of Σ outputs per item, as the
 * predictor returns them) against the items' labels.
 */
export const paramMetrics = (
  targets: ReadonlyArray<LabelNorm>,
  outputs: ReadonlyArray<ArrayLike<number>>,
  items: ReadonlyArray<Labelled>,
  trainItems: ReadonlyArray<Labelled>
): { metrics: ParamMetrics; predictions: ParamPrediction[] } => {
  const n = items.length
  const absUnit = targets.map(() => 0)
  const absNorm = targets.map(() => 0)
  const correct = targets.map(() => 0)
  const predictions: ParamPrediction[] = items.map((item, i) => {
    const decoded = decodeTargetOutputs(targets, outputs[i]!)
    const values: ParamPrediction["values"] = {}
    targets.forEach((t, k) => {
      const truthRaw = labelValue(t, item.labels, item.id)
      let truthNorm = normaliseLabel(t, truthRaw)
      const predNorm = decoded[k]!
      if (t.classes !== undefined) {
        truthNorm = classOf(t.classes, truthNorm) / (t.classes - 1)
        if (classOf(t.classes, predNorm) === classOf(t.classes, truthNorm)) correct[k]!++
      }
      const predRaw = denormaliseLabel(t, predNorm)
      absUnit[k]! += Math.abs(predRaw - denormaliseLabel(t, truthNorm))
      absNorm[k]! += Math.abs(predNorm - truthNorm)
      values[t.name] = { true: round(truthRaw), predicted: round(predRaw) }
    })
    return { id: item.id, values }
  })
  const mae: Record<string, number> = {}
  const maeNorm: Record<string, number> = {}
  const accuracy: Record<string, number> = {}
  const baseline: Record<string, number> = {}
  const baselineAcc: Record<string, number> = {}
  targets.forEach((t, k) => {
    mae[t.name] = absUnit[k]! / n
    maeNorm[t.name] = absNorm[k]! / n
    if (trainItems.length === 0) return
    const truth = items.map((i) => normaliseLabel(t, labelValue(t, i.labels, i.id)))
    const train = trainItems.map((i) => normaliseLabel(t, labelValue(t, i.labels, i.id)))
    if (t.classes !== undefined) {
      const nc = t.classes
      const counts = new Array<number>(nc).fill(0)
      for (const v of train) counts[classOf(nc, v)]!++
      const mode = counts.indexOf(Math.max(...counts))
      baseline[t.name] = mean(truth.map((v) => Math.abs(classOf(nc, v) - mode) / (nc - 1)))
      baselineAcc[t.name] = mean(truth.map((v) => (classOf(nc, v) === mode ? 1 : 0)))
    } else {
      const m = mean(train)
      baseline[t.name] = mean(truth.map((v) => Math.abs(v - m)))
    }
  })
  targets.forEach((t, k) => {
    if (t.classes !== undefined) accuracy[t.name] = correct[k]! / n
  })
  const groups = new Map<string, number[]>()
  for (const t of targets) {
    const g = t.group ?? "other"
    groups.set(g, [...(groups.get(g) ?? []), maeNorm[t.name]!])
  }
  const regressed = targets.filter((t) => t.classes === undefined).map((t) => maeNorm[t.name]!)
  const accs = Object.values(accuracy)
  const baselines = Object.values(baseline)
  return {
    metrics: {
      mae,
      mae_normalised: maeNorm,
      mae_normalised_by_group: Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([g, v]) => [g, mean(v)])),
      mae_normalised_mean: mean(Object.values(maeNorm)),
      mae_normalised_mean_regressed: regressed.length > 0 ? mean(regressed) : null,
      accuracy,
      accuracy_mean: accs.length > 0 ? mean(accs) : null,
      baseline_mae_normalised: baseline,
      baseline_mae: Object.fromEntries(targets.filter((t) => baseline[t.name] !== undefined).map((t) => [t.name, baseline[t.name]! * (t.range[1] - t.range[0])])),
      baseline_mae_normalised_mean: baselines.length > 0 ? mean(baselines) : null,
      baseline_accuracy: baselineAcc
    },
    predictions
  }
}

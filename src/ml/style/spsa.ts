/**
 * Simultaneous perturbation stochastic approximation (Spall 1992), as DeepAFx-ST uses it for
 * effects without gradients: for a Rademacher vector Δ (each entry ±1 from the seeded rng),
 *
 *   ĝ = (J(t + εΔ) − J(t − εΔ)) / (2ε) · Δ        (1/Δ_i = Δ_i for ±1 entries)
 *
 * averaged over k perturbations. J is any black box of the [0, 1]-normalised parameters —
 * here a DSP chain and a loss — so all 2k evaluations of one estimate are independent and
 * run in parallel on a worker pool (src/ml/style/evaluator.ts).
 * ε follows a decaying schedule from `epsilonStart` to `epsilonEnd` (default 0.001 → 0.0005,
 * DeepAFx-ST's range on [0, 1]): larger steps early see past small ripples of J, smaller
 * ones late reduce the estimate's bias.
 */
import type { Rng } from "../../params/rng.js"

/** Evaluates J at several points (in parallel where it can); results in input order. */
export type BatchObjective = (points: ReadonlyArray<Float64Array>) => Promise<number[]>

export interface SpsaOptions {
  /** Perturbations averaged per estimate (default 8). */
  readonly perturbations: number
  readonly epsilonStart: number
  readonly epsilonEnd: number
}

export const SPSA_DEFAULTS: SpsaOptions = { perturbations: 8, epsilonStart: 0.001, epsilonEnd: 0.0005 }

/** ε at step `step` of `steps`: geometric from epsilonStart to epsilonEnd. */
export const epsilonAt = (o: SpsaOptions, step: number, steps: number): number =>
  steps <= 1 ? o.epsilonStart : o.epsilonStart * Math.pow(o.epsilonEnd / o.epsilonStart, step / (steps - 1))

/** Rademacher vectors (entries ±1 with probability 1/2) of length `n`. */
export const rademacher = (n: number, rng: Rng): Float64Array => Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1))

/**
 * One SPSA gradient estimate at `t` over `k` perturbations of size `epsilon`: all 2k
 * evaluations are handed to `evaluate` at once. Coordinates are not clamped here: the
 * parameter space clamps to [0, 1] when it maps to units.
 */
export const spsaGradient = async (evaluate: BatchObjective, t: Float64Array, k: number, epsilon: number, rng: Rng): Promise<Float64Array> => {
  const deltas = Array.from({ length: k }, () => rademacher(t.length, rng))
  const points: Float64Array[] = []
  for (const d of deltas) {
    points.push(t.map((v, i) => v + epsilon * d[i]!))
    points.push(t.map((v, i) => v - epsilon * d[i]!))
  }
  const values = await evaluate(points)
  const g = new Float64Array(t.length)
  deltas.forEach((d, j) => {
    const scale = (values[2 * j]! - values[2 * j + 1]!) / (2 * epsilon * k)
    for (let i = 0; i < t.length; i++) g[i]! += scale * d[i]!
  })
  return g
}

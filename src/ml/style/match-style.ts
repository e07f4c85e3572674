/**
 * Mode A of style transfer: fit the free parameters of an effect chain so that the chain's
 * output for one input takes on the style of one reference (Steinmetz et al. 2022,
 * DeepAFx-ST, optimised per example instead of predicted). Coordinates t ∈ [0, 1] (one per
 * free parameter, see src/ml/differentiable/param-space.ts) start at 0.5 and follow Adam
 * on a gradient from either
 *
 * - `autodiff`: the exact gradient through the chain's differentiable twins
 *   (src/ml/differentiable) and the loss's own gradient, or
 * - `spsa`: SPSA estimates from the DSP chain as a black box (src/ml/style/spsa.ts), for any
 *   chain of the library.
 *
 * Every step also scores the current point, and the best point seen is the result. The
 * loss is MR-STFT + loudness when input and reference hold the same material, else the
 * content-independent style distance (SPSA only).
 */
import { Rng } from "../../params/rng.js"
import type { ChainItem } from "../../effects/chain.js"
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import { applyDifferentiableChain, notDifferentiable } from "../differentiable/chain.js"
import { freeParams, namedValues, type FreeParam } from "../differentiable/param-space.js"
import { makeEvaluator } from "./evaluator.js"
import { makeObjective, type LossKind, type Objective } from "./objective.js"
import { effectsRng } from "./render.js"
import { epsilonAt, spsaGradient, SPSA_DEFAULTS, type SpsaOptions } from "./spsa.js"

export type GradientMethod = "autodiff" | "spsa"

export interface MatchOptions {
  readonly method: GradientMethod
  readonly loss: LossKind
  /** Adam steps (default 150). */
  readonly iterations: number
  /** Adam step size on the [0, 1] coordinates (default 0.02). */
  readonly learningRate: number
  readonly spsa: SpsaOptions
  /** Seeds the chain's random effects and SPSA's perturbations. */
  readonly seed: number
  /** Worker threads for SPSA (default: every core). */
  readonly threads?: number | undefined
  /** Folder relative file parameters of the chain are read from. */
  readonly baseDir?: string | undefined
  readonly onStep?: ((step: number, loss: number) => void) | undefined
}

export const MATCH_DEFAULTS = { iterations: 150, learningRate: 0.02 } as const

export interface MatchResult {
  readonly method: GradientMethod
  readonly loss: LossKind
  readonly free: ReadonlyArray<FreeParam>
  /** The best coordinates found. */
  readonly t: Float64Array
  /** The best parameters, by name, in units. */
  readonly params: Record<string, number>
  /** Loss at each step's point (before the step). */
  readonly history: ReadonlyArray<number>
  readonly bestLoss: number
  /** Threads that evaluated (SPSA); 1 for autodiff. */
  readonly threads: number
}

export class StyleMatchError extends Error {
  readonly _tag = "StyleMatchError"
}

/** Adam on plain arrays, coordinates kept in [0, 1]. */
class Adam {
  private readonly m: Float64Array
  private readonly v: Float64Array
  private step = 0
  constructor(
    size: number,
    private readonly lr: number
  ) {
    this.m = new Float64Array(size)
    this.v = new Float64Array(size)
  }
  apply(t: Float64Array, g: ArrayLike<number>): void {
    this.step++
    const b1 = 0.9
    const b2 = 0.999
    for (let i = 0; i < t.length; i++) {
      this.m[i] = b1 * this.m[i]! + (1 - b1) * g[i]!
      this.v[i] = b2 * this.v[i]! + (1 - b2) * g[i]! * g[i]!
      const mh = this.m[i]! / (1 - Math.pow(b1, this.step))
      const vh = this.v[i]! / (1 - Math.pow(b2, this.step))
      const next = t[i]! - (this.lr * mh) / (Math.sqrt(vh) + 1e-8)
      t[i] = next < 0 ? 0 : next > 1 ? 1 : next
    }
  }
}

/** The objective as a tfjs op: value from plain code, gradient dJ/dy handed back to the tape. */
const objectiveOp = (tf: Tf, objective: Objective) =>
  tf.customGrad((...args) => {
    const y = args[0] as Tensor
    const r = objective.valueAndGradient!(y.dataSync() as Float32Array)
    return {
      value: tf.scalar(r.value),
      gradFunc: (dy: Tensor) => tf.mul(dy, tf.tensor1d(r.gradient))
    }
  })

/**
 * J and dJ/dt at coordinates `t` by autodiff through the chain's differentiable twins: the
 * chain on `x` (a 1-D tensor), scored by `objective` (a `match` objective). One step of
 * mode A, and the chain gradient the style encoder trains on (src/ml/style/encoder.ts).
 */
export const autodiffValueAndGrad = (
  tf: Tf,
  chain: ReadonlyArray<ChainItem>,
  free: ReadonlyArray<FreeParam>,
  x: Tensor,
  objective: Objective,
  t: ArrayLike<number>,
  sampleRate: number,
  seed: number
): { value: number; grad: Float64Array } => {
  const op = objectiveOp(tf, objective)
  let value = 0
  let grad = new Float64Array(free.length)
  tf.tidy(() => {
    const f = (tt: Tensor): Tensor => op(applyDifferentiableChain(tf, chain, free, tt, x, sampleRate, effectsRng(seed)))
    const r = tf.valueAndGrad(f as never)(tf.tensor1d(Float32Array.from(t)) as never) as unknown as { value: Tensor; grad: Tensor }
    value = r.value.dataSync()[0]!
    grad = Float64Array.from(r.grad.dataSync())
  })
  return { value, grad }
}

/**
 * Fit `chain`'s free parameters so that chain(input) matches `reference` (mono signals at
 * `sampleRate`). `tf` is needed for autodiff only. Throws StyleMatchError for a chain with
 * nothing to search, a non-differentiable chain under autodiff, the style loss under
 * autodiff, or match-loss signals of different lengths.
 */
export const matchStyle = async (
  tf: Tf | undefined,
  chain: ReadonlyArray<ChainItem>,
  input: Float32Array,
  reference: Float32Array,
  sampleRate: number,
  options: MatchOptions
): Promise<MatchResult> => {
  const free = freeParams(chain)
  if (free.length === 0) {
    throw new StyleMatchError("the chain has no parameter to search: write the ones to fit as ranges, e.g. gain_db = { uniform = [-24, 24] }")
  }
  if (options.loss === "match" && input.length !== reference.length) {
    throw new StyleMatchError(`the match loss compares sample by sample: input has ${input.length} samples, reference ${reference.length} (use the style loss for different material)`)
  }
  const t = new Float64Array(free.length).fill(0.5)
  const best = { t: Float64Array.from(t), loss: Infinity }
  const history: number[] = []
  const adam = new Adam(free.length, options.learningRate)
  const record = (loss: number, step: number) => {
    history.push(loss)
    if (loss < best.loss) {
      best.loss = loss
      best.t = Float64Array.from(t)
    }
    options.onStep?.(step, loss)
  }
  let threads = 1
  if (options.method === "autodiff") {
    if (tf === undefined) throw new StyleMatchError("autodiff needs tfjs")
    if (options.loss !== "match") throw new StyleMatchError("the style loss has no gradient here: use --method spsa for different material")
    const why = notDifferentiable(chain, free)
    if (why !== undefined) throw new StyleMatchError(`${why}; use --method spsa`)
    const objective = makeObjective(reference, sampleRate, "match")
    const x = tf.tensor1d(input)
    try {
      for (let step = 0; step < options.iterations; step++) {
        const { value, grad } = autodiffValueAndGrad(tf, chain, free, x, objective, t, sampleRate, options.seed)
        record(value, step)
        adam.apply(t, grad)
      }
    } finally {
      x.dispose()
    }
  } else {
    const evaluator = makeEvaluator(
      { key: `${options.seed}:${input.length}:${reference.length}:${JSON.stringify(chain)}`, chain, free, input, reference, sampleRate, loss: options.loss, seed: options.seed, baseDir: options.baseDir },
      options.threads
    )
    threads = evaluator.threads
    const rng = new Rng(options.seed).fork("spsa")
    try {
      for (let step = 0; step < options.iterations; step++) {
        const eps = epsilonAt(options.spsa, step, options.iterations)
        // the current point rides along with the perturbed ones in one parallel batch
        let current = NaN
        const g = await spsaGradient(
          async (points) => {
            const values = await evaluator.evaluate([t, ...points])
            current = values[0]!
            return values.slice(1)
          },
          t,
          options.spsa.perturbations,
          eps,
          rng
        )
        record(current, step)
        adam.apply(t, g)
      }
    } finally {
      await evaluator.close()
    }
  }
  return {
    method: options.method,
    loss: options.loss,
    free,
    t: best.t,
    params: namedValues(free, best.t),
    history,
    bestLoss: best.loss,
    threads
  }
}

export { SPSA_DEFAULTS }

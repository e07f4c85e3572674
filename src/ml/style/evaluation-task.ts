/**
 * One SPSA evaluation as plain data, and how to run it: render the chain at a point with the
 * DSP effects and score the output against the reference. Shared by the in-thread evaluator
 * and the worker (src/ml/style/spsa-worker.ts), so both compute the same J.
 */
import type { ChainItem } from "../../effects/chain.js"
import type { FreeParam } from "../differentiable/param-space.js"
import { makeObjective, type LossKind, type Objective } from "./objective.js"
import { renderAt } from "./render.js"

/** Everything an evaluation needs besides the point; the audio as shared memory. */
export interface SearchSetup {
  /** Identifies the setup, so a worker builds its objective once. */
  readonly key: string
  readonly chain: ReadonlyArray<ChainItem>
  readonly free: ReadonlyArray<FreeParam>
  readonly input: Float32Array
  readonly reference: Float32Array
  readonly sampleRate: number
  readonly loss: LossKind
  readonly seed: number
  readonly baseDir?: string | undefined
}

const objectives = new Map<string, Objective>()

const objectiveOf = (s: SearchSetup): Objective => {
  let o = objectives.get(s.key)
  if (o === undefined) {
    if (objectives.size > 4) objectives.clear()
    o = makeObjective(s.reference, s.sampleRate, s.loss)
    objectives.set(s.key, o)
  }
  return o
}

/** J at coordinates `t`: the chain rendered on the (mono) input, scored against the reference. */
export const evaluateAt = (s: SearchSetup, t: ArrayLike<number>): number => {
  const y = renderAt(s.chain, s.free, t, { sampleRate: s.sampleRate, channels: [s.input] }, s.seed, s.baseDir).channels[0]!
  return objectiveOf(s).value(y)
}

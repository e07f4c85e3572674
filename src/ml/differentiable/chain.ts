/**
 * A chain of differentiable effects: the tfjs twin of an effects chain (src/effects/chain.ts),
 * run on one channel as a function of the free parameters' [0, 1] coordinates. Fixed
 * parameters (and defaults) are constants; the chain's common `mix` is applied as the DSP
 * chain applies it; item i draws its randomness from the same fork as the DSP chain's
 * channel 0 (`chain[i]`, then 0), so stochastic effects build the same impulse responses.
 */
import { resolveChain, type ChainItem } from "../../effects/chain.js"
import { Rng } from "../../params/rng.js"
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import { differentiableCompressor } from "./compressor.js"
import type { DifferentiableEffect, ParamReader } from "./effect.js"
import { differentiableEqs } from "./eq.js"
import { affineOf, chainAt, type FreeParam } from "./param-space.js"
import { differentiableNoiseReverb } from "./reverb.js"
import { differentiableGain, differentiableTanh } from "./waveshaping.js"

/** Every differentiable twin, by the `uses` of its DSP effect. */
export const differentiableEffects: ReadonlyArray<DifferentiableEffect> = [
  ...differentiableEqs,
  differentiableCompressor,
  differentiableTanh,
  differentiableGain,
  differentiableNoiseReverb
]

export class NotDifferentiableError extends Error {
  readonly _tag = "NotDifferentiableError"
}

const getAt = (root: unknown, path: string): unknown => {
  const parts = [...path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!))
  let node = root as Record<string | number, unknown> | undefined
  for (const p of parts) node = node === undefined ? undefined : (node[p] as Record<string | number, unknown> | undefined)
  return node
}

/**
 * Why `chain` cannot run differentiably (the first item without a twin, or with settings its
 * twin does not model), or undefined when it can.
 */
export const notDifferentiable = (chain: ReadonlyArray<ChainItem>, free: ReadonlyArray<FreeParam>): string | undefined => {
  const resolved = resolveChain(chainAt(chain, free, free.map(() => 0.5)), new Rng(0))
  for (const item of resolved.items) {
    const twin = differentiableEffects.find((d) => d.uses === item.def.uses)
    if (twin === undefined) {
      return `chain[${item.index}] (${item.def.uses}) has no differentiable version (those that have: ${[...new Set(differentiableEffects.map((d) => d.uses))].join(", ")})`
    }
    const why = twin.unsupported?.(item.params)
    if (why !== undefined) return `chain[${item.index}] (${item.def.uses}): ${why}`
  }
  return undefined
}

/** The parameters in units, as tensors: units = warp⁻¹(offset + scale · clip(t, 0, 1)). */
export const unitsTensor = (tf: Tf, p: FreeParam, t: Tensor): Tensor => {
  const { offset, scale, log } = affineOf(p)
  const w = tf.add(offset, tf.mul(scale, tf.clipByValue(t, 0, 1)))
  return log ? tf.exp(w) : w
}

/**
 * Run `chain` over the mono signal `x` (a 1-D tensor) with free parameter coordinates `t`
 * (a 1-D tensor, one per entry of `free`), differentiably. Throws NotDifferentiableError
 * when an item has no twin.
 */
export const applyDifferentiableChain = (
  tf: Tf,
  chain: ReadonlyArray<ChainItem>,
  free: ReadonlyArray<FreeParam>,
  t: Tensor,
  x: Tensor,
  sampleRate: number,
  rng: Rng
): Tensor => {
  const why = notDifferentiable(chain, free)
  if (why !== undefined) throw new NotDifferentiableError(why)
  const resolved = resolveChain(chainAt(chain, free, free.map(() => 0.5)), new Rng(0))
  // t's entries by slicing, not tf.unstack: unstack's gradient fails when an output is unused
  const coord = (i: number): Tensor => tf.reshape(tf.slice(t, [i], [1]), [])
  let y = x
  for (const item of resolved.items) {
    const twin = differentiableEffects.find((d) => d.uses === item.def.uses)!
    const param: ParamReader = (path) => {
      const i = free.findIndex((p) => p.item === item.index && p.path === path)
      if (i >= 0) return unitsTensor(tf, free[i]!, coord(i))
      const v = path === "mix" && item.mix !== undefined ? item.mix : getAt(item.params, path)
      if (typeof v !== "number") throw new NotDifferentiableError(`chain[${item.index}].${path}: expected a number, got ${JSON.stringify(v)}`)
      return tf.scalar(v)
    }
    const wet = twin.apply(y, param, item.params, { tf, sampleRate, rng: rng.fork(`chain[${item.index}]`).fork(0) })
    if (item.mix === undefined) y = wet
    else {
      const m = param("mix")
      y = tf.add(tf.mul(tf.sub(1, m), y), tf.mul(m, wet))
    }
  }
  return y
}

/**
 * Rendering a chain at a point of its parameter space with the DSP effects: what SPSA
 * evaluates (a black box: any effect of the library works, chorus and room reverb
 * included) and what writes the final audio. Randomness (stochastic effects) comes from
 * `seed` through the chain's usual forks, so every evaluation of one search hears the same
 * noise.
 */
import type { Signal } from "../../dsp/signal.js"
import { Rng } from "../../params/rng.js"
import { applyChain, resolveChain, type ChainItem } from "../../effects/chain.js"
import { chainAt, type FreeParam } from "../differentiable/param-space.js"

/** The chain's output for `signal` with the free parameters at coordinates `t`. */
export const renderAt = (
  chain: ReadonlyArray<ChainItem>,
  free: ReadonlyArray<FreeParam>,
  t: ArrayLike<number>,
  signal: Signal,
  seed: number,
  baseDir?: string
): Signal => {
  const resolved = resolveChain(chainAt(chain, free, t), new Rng(seed).fork("params"))
  return applyChain(signal, resolved, new Rng(seed).fork("effects"), baseDir)
}

/** The effects' random stream for item i on channel c, as renderAt hands it out (for the differentiable twins). */
export const effectsRng = (seed: number): Rng => new Rng(seed).fork("effects")

/**
 * `audioml/effects`: the effect library (EQ, distortion, dynamics, modulation, delay, reverb,
 * utility) and effect chains, the same code and parameters as a pipeline's `effects.chain`
 * stage and `audioml fx`.
 *
 * ```ts
 * import { processChain } from "audioml/effects"
 * const out = processChain(signal, [{ uses: "eq.peaking", freq: 1000, q: 1, gain_db: 6 }])
 * ```
 */
export { processChain, listEffects, type EffectInfo, type ProcessChainOptions, type ProcessedChain } from "../effects/process-chain.js"
export {
  resolveChain,
  applyChain,
  applyItem,
  applyItemInto,
  appliedParams,
  chainLabels,
  chainSchema,
  type ChainItem,
  type ResolvedChain,
  type ResolvedItem,
  type LabelOptions
} from "../effects/chain.js"
export { chainIssues, chainItemIssues, assertValidChain } from "../effects/chain-validation.js"
export { effectCatalog } from "../effects/registry.js"
export { processEffectInto, inPlaceEffect, type EffectDefinition } from "../effects/effect-definition.js"
export type { Signal } from "../dsp/signal.js"
export type { ParamIssue } from "../params/param-issue.js"

/**
 * The objective a style-transfer search minimises, for one reference:
 *
 * - `match` (input and reference hold the same material, as DeepAFx-ST's training pairs):
 *   J = MR-STFT(y, reference) + 0.1 · |L(y) − L(reference)| / LU, L the ungated K-weighted
 *   loudness (src/ml/style/loudness.ts); value and exact gradient with respect to y.
 * - `style` (different material): the content-independent distance of src/ml/style/style-loss.ts;
 *   value only (optimised by SPSA).
 */
import { MrStftTarget } from "./mrstft.js"
import { ungatedLoudness, ungatedLoudnessWithGradient } from "./loudness.js"
import { styleDistance, styleStatistics } from "./style-loss.js"

export type LossKind = "match" | "style"

/** Weight of the loudness difference in the match loss, per LU. */
export const LOUDNESS_WEIGHT = 0.1

export interface Objective {
  readonly kind: LossKind
  readonly value: (y: Float32Array) => number
  /** Present for `match`: the value and dJ/dy. */
  readonly valueAndGradient?: (y: Float32Array) => { readonly value: number; readonly gradient: Float32Array }
}

export const makeObjective = (reference: Float32Array, sampleRate: number, kind: LossKind): Objective => {
  if (kind === "style") {
    const target = styleStatistics(reference, sampleRate)
    return { kind, value: (y) => styleDistance(styleStatistics(y, sampleRate), target) }
  }
  const stft = new MrStftTarget(reference)
  const targetLoudness = ungatedLoudness(reference, sampleRate)
  return {
    kind,
    value: (y) => stft.value(y) + LOUDNESS_WEIGHT * Math.abs(ungatedLoudness(y, sampleRate) - targetLoudness),
    valueAndGradient: (y) => {
      const s = stft.valueAndGradient(y)
      const l = ungatedLoudnessWithGradient(y, sampleRate)
      const sign = l.value > targetLoudness ? 1 : l.value < targetLoudness ? -1 : 0
      const gradient = new Float32Array(y.length)
      for (let i = 0; i < y.length; i++) gradient[i] = s.gradient[i]! + LOUDNESS_WEIGHT * sign * l.gradient[i]!
      return { value: s.value + LOUDNESS_WEIGHT * Math.abs(l.value - targetLoudness), gradient }
    }
  }
}

/**
 * The objective a style-transfer search minimises, for one reference:
 *
 * - `match` (input and reference hold the same material, as DeepAFx-ST's training pairs):
 *   J = MR-STFT(y, reference) + 0.1 · |L(y) − L(reference)| / LU, L the ungated K-weighted
 *   loudness (src/ml/style/loudness.ts) floored at −70 LUFS; value and exact gradient with
 *   respect to y.
 * - `style` (different material): the content-independent distance of src/ml/style/style-loss.ts;
 *   value only (optimised by SPSA).
 */
import { MrStftTarget } from "./mrstft.js"
import { ungatedLoudness, ungatedLoudnessWithGradient } from "./loudness.js"
import { styleDistance, styleStatistics } from "./style-loss.js"

export type LossKind = "match" | "style"

/** Weight of the loudness difference in the match loss, per LU. */
export const LOUDNESS_WEIGHT = 0.1

/**
 * Loudness below this counts as this (LUFS), so a silent reference or output (−∞ LUFS, e.g.
 * a half of a style pair between notes) gives a finite loss.
 */
export const LOUDNESS_FLOOR_LUFS = -70

const floored = (l: number): number => (l > LOUDNESS_FLOOR_LUFS ? l : LOUDNESS_FLOOR_LUFS)

export interface Objective {
  readonly kind: LossKind
  readonly value: (y: Float32Array) => number
  /** Present for `match`: the value and dJ/dy. */
  readonly valueAndGradient?: (y: Float32Array) => { readonly value: number; readonly gradient: Float32Array }
}

/**
 * The objective of `kind` for `reference` at `sampleRate`; `loudnessWeight` (per LU, default
 * LOUDNESS_WEIGHT) weighs the loudness term of `match`.
 */
export const makeObjective = (reference: Float32Array, sampleRate: number, kind: LossKind, loudnessWeight: number = LOUDNESS_WEIGHT): Objective => {
  if (kind === "style") {
    const target = styleStatistics(reference, sampleRate)
    return { kind, value: (y) => styleDistance(styleStatistics(y, sampleRate), target) }
  }
  const stft = new MrStftTarget(reference)
  const targetLoudness = floored(ungatedLoudness(reference, sampleRate))
  return {
    kind,
    value: (y) => stft.value(y) + loudnessWeight * Math.abs(floored(ungatedLoudness(y, sampleRate)) - targetLoudness),
    valueAndGradient: (y) => {
      const s = stft.valueAndGradient(y)
      const l = ungatedLoudnessWithGradient(y, sampleRate)
      const value = floored(l.value)
      // below the floor the loudness term is constant: no gradient
      const sign = l.value < LOUDNESS_FLOOR_LUFS ? 0 : value > targetLoudness ? 1 : value < targetLoudness ? -1 : 0
      const gradient = new Float32Array(y.length)
      for (let i = 0; i < y.length; i++) gradient[i] = s.gradient[i]! + loudnessWeight * sign * l.gradient[i]!
      return { value: s.value + loudnessWeight * Math.abs(value - targetLoudness), gradient }
    }
  }
}

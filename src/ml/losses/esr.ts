/**
 * loss.esr — error-to-signal ratio (Wright et al.), after an optional pre-emphasis filter on
 * both signals, reduced one of two ways:
 * - "pooled" (the default): Σ(y − ŷ)² / (Σy² + N·ε) over the whole batch and window (N
 *   samples), i.e. mean((y − ŷ)²) / (mean(y²) + ε) with ε = 1e-5 as Wright et al.'s ESRLoss
 *   (CoreAudioML): a quiet item weighs by its energy, so silence cannot dominate, and a batch
 *   quieter than about −50 dBFS RMS counts as a scaled squared error instead of a ratio of
 *   near-zeros (short TBPTT windows of note tails made training diverge with a −80 dBFS floor);
 * - "mean": per item Σ(y − ŷ)² / (Σy² + 1e-8), averaged over the batch (train stage ≤ 5);
 * - "segment": per item mean((y − ŷ)²) over the window / (mean(y²) over the item's whole
 *   training segment + ε), averaged over the batch. Every clip weighs the same whatever its
 *   level (a heavily compressed clip 20 dB down counts as much as a loud one), and a quiet
 *   TBPTT window keeps its clip's denominator, so it cannot blow up; over the windows of a
 *   segment the losses add up to the mean of the per-segment ESRs. The denominator comes from
 *   the train loop's `segmentTarget`; without one (validation, whole windows) the window is
 *   the segment.
 *
 * Pre-emphasis:
 * - a number c: first-order high-pass 1 − c·z⁻¹ (0.85 at 44.1 kHz, as Wright & Välimäki 2019);
 * - "a_weighting": auraloss's 101-tap FIR fit of the A-weighting curve (zero-phase, "same" length);
 * - "none": plain ESR.
 */
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import { number, object, oneOf } from "../../params/schema.js"
import { A_WEIGHTING_TAPS } from "./a-weighting-taps.js"
import { EPS, type Loss, type LossContext, asBatchTime } from "./loss.js"
import { LossError } from "../../errors/audioml-error.js"

export const esrParams = object({
  pre_emphasis: {
    description: 'Pre-emphasis before the ratio: a coefficient c of 1 − c·z⁻¹ (0 to 0.999), "a_weighting" or "none"',
    default: 0.85,
    anyOf: [number({ description: "Coefficient c", minimum: 0, maximum: 0.999, distribution: false }), oneOf(["a_weighting", "none"], { description: "Filter" })]
  },
  reduction: oneOf(["pooled", "mean", "segment"], {
    description:
      '"pooled": mean((y − ŷ)²) / (mean(y²) + 1e-5) over the whole batch and window (Wright et al.\'s ESRLoss); "mean": the per-item ratio averaged over the batch; ' +
      '"segment": per item, the window\'s mean squared error over the mean square of the item\'s whole training segment (+ 1e-5), averaged over the batch: every clip weighs the same, quiet TBPTT windows included',
    default: "pooled"
  })
})

/** A pre-emphasis setting: a coefficient c of 1 − c·z⁻¹, "a_weighting" (auraloss's FIR) or "none". */
export type PreEmphasis = number | "a_weighting" | "none"

/** How loss.esr reduces a batch: one pooled ratio, the mean of the per-item ratios, or per item over its whole segment. */
export type EsrReduction = "pooled" | "mean" | "segment"

/** ε added to the pooled ESR's mean-square energy (Wright et al.'s CoreAudioML ESRLoss: 1e-5, about −50 dBFS RMS). */
export const POOLED_ESR_EPSILON = 1e-5

/** A pre-emphasis filter as a tf function on [B, T], or undefined for none. Owns its constants. */
export const preEmphasisFilter = (
  tf: Tf,
  pre: PreEmphasis,
  sampleRate: number
): { readonly apply: (x: Tensor) => Tensor; readonly dispose: () => void } | undefined => {
  if (pre === "none" || pre === 0) return undefined
  if (pre === "a_weighting") {
    const taps = A_WEIGHTING_TAPS[sampleRate]
    if (taps === undefined) {
      throw new LossError({ message: `loss.esr pre_emphasis = "a_weighting" has taps for ${Object.keys(A_WEIGHTING_TAPS).join(", ")} Hz, not ${sampleRate} Hz: resample, or use a coefficient` })
    }
    const filter = tf.keep(tf.tensor3d(Float32Array.from(taps), [taps.length, 1, 1]))
    return {
      // tf's conv is a cross-correlation, as auraloss's Conv1d with padding ntaps // 2.
      apply: (x) => tf.reshape(tf.conv1d(tf.expandDims(x, 2) as never, filter, 1, "same"), x.shape),
      dispose: () => filter.dispose()
    }
  }
  // 1 − c·z⁻¹ as a 3-tap "same" convolution [−c, 1, 0] (a cross-correlation): out[t] =
  // x[t] − c·x[t − 1], the first sample unchanged. Slicing along time would be far slower on cpu.
  const filter = tf.keep(tf.tensor3d([-pre, 1, 0], [3, 1, 1]))
  return {
    apply: (x) => tf.reshape(tf.conv1d(tf.expandDims(x, 2) as never, filter, 1, "same"), x.shape),
    dispose: () => filter.dispose()
  }
}

/**
 * ESR of [B, T] tensors (target y, prediction ŷ) as a scalar tensor: "pooled" gives
 * Σ(y − ŷ)² / (Σy² + B·T·{@link POOLED_ESR_EPSILON}) over every sample; "mean" the per-item
 * Σ(y − ŷ)² / (Σy² + 1e-8), averaged over the batch; "segment" the per-item mean((y − ŷ)²) /
 * (mean(s²) + {@link POOLED_ESR_EPSILON}) with s the item's segment target ([B, S], default y).
 */
export const esrValue = (tf: Tf, y: Tensor, yhat: Tensor, reduction: EsrReduction = "pooled", segment: Tensor = y): Tensor => {
  if (reduction === "mean") return tf.mean(tf.div(tf.sum(tf.square(tf.sub(y, yhat)), 1), tf.add(tf.sum(tf.square(y), 1), EPS)))
  if (reduction === "segment") return tf.mean(tf.div(tf.mean(tf.square(tf.sub(y, yhat)), 1), tf.add(tf.mean(tf.square(segment), 1), POOLED_ESR_EPSILON)))
  return tf.div(tf.sum(tf.square(tf.sub(y, yhat))), tf.add(tf.sum(tf.square(y)), y.size * POOLED_ESR_EPSILON))
}

/** Build loss.esr (see the module comment); `pre_emphasis` defaults to 0.85, `reduction` to "pooled". */
export const makeEsr = (tf: Tf, params: { readonly pre_emphasis?: PreEmphasis; readonly reduction?: EsrReduction }, ctx: LossContext): Loss => {
  const filter = preEmphasisFilter(tf, params.pre_emphasis ?? 0.85, ctx.sampleRate)
  const reduction = params.reduction ?? "pooled"
  const filtered = (target: Tensor, prediction: Tensor): [Tensor, Tensor] => {
    const y = asBatchTime(tf, target)
    const yhat = asBatchTime(tf, prediction)
    return filter !== undefined ? [filter.apply(y), filter.apply(yhat)] : [y, yhat]
  }
  return {
    name: reduction === "mean" ? "loss.esr (mean over items)" : reduction === "segment" ? "loss.esr (per item over its segment)" : "loss.esr",
    fn: (target, prediction, segmentTarget) => {
      const [y, yhat] = filtered(target, prediction)
      if (reduction !== "segment" || segmentTarget === undefined) return esrValue(tf, y, yhat, reduction)
      const s = asBatchTime(tf, segmentTarget)
      return esrValue(tf, y, yhat, reduction, filter !== undefined ? filter.apply(s) : s)
    },
    segmentNormalised: reduction === "segment",
    dispose: () => filter?.dispose(),
    // pooled: Σ(y − ŷ)² and Σy², so that several batches pool into one ratio (ε applies to the total)
    ...(reduction === "pooled"
      ? {
          pooled: {
            sums: (target: Tensor, prediction: Tensor) => {
              const [y, yhat] = filtered(target, prediction)
              return { numerator: tf.sum(tf.square(tf.sub(y, yhat))), denominator: tf.sum(tf.square(y)) }
            },
            epsilon: POOLED_ESR_EPSILON
          }
        }
      : {})
  }
}

/** The loss contract: a scalar tf function of (target, prediction), plus its constant tensors. */
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"

export interface LossContext {
  /** Sample rate of audio losses (A-weighting, mel). */
  readonly sampleRate: number
  /** Names of the predicted parameters, in output order (loss.param). */
  readonly targets?: ReadonlyArray<string>
  /** Outputs per target, in target order (loss.param): 1 = regressed, n > 1 = n class logits. Absent: all regressed. */
  readonly targetWidths?: ReadonlyArray<number>
  /** Component group of each target, in target order ("filter", "oscillators", …; undefined: none) for loss.param's group weights. */
  readonly targetGroups?: ReadonlyArray<string | undefined>
}

export interface Loss {
  /** "loss.esr" or a weighted sum "0.5·loss.esr + 1·loss.dc". */
  readonly name: string
  /**
   * Scalar loss. Audio: [B, T] or [B, T, 1]. Call inside tf.tidy or an optimizer closure.
   * `segmentTarget`: when training a recurrent model in TBPTT windows, the target of each
   * item's whole training segment (the part the loss covers), which a loss normalised per
   * item (loss.esr reduction = "segment") takes its denominators from; absent, the window is
   * the segment. Other losses ignore it.
   */
  readonly fn: (target: Tensor, prediction: Tensor, segmentTarget?: Tensor) => Tensor
  /** True when `fn` reads `segmentTarget` (loss.esr reduction = "segment"): the train loop then passes it to every TBPTT window. */
  readonly segmentNormalised?: boolean
  /** Frees constant tensors (filters, DFT matrices). */
  readonly dispose: () => void
  /**
   * For a loss that is one ratio of sums over every sample (the pooled loss.esr): its
   * numerator and denominator as scalars, so that a validation set split into batches pools
   * exactly into Σ numerators / (Σ denominators + epsilon × samples), rather than a mean of
   * batch ratios. `epsilon`: added to the denominator per sample.
   */
  readonly pooled?: {
    readonly sums: (target: Tensor, prediction: Tensor) => { readonly numerator: Tensor; readonly denominator: Tensor }
    readonly epsilon: number
  }
}


/** [B, T, 1] or [B, T] → [B, T]. */
export const asBatchTime = (tf: Tf, x: Tensor): Tensor => (x.rank === 2 ? x : tf.reshape(x, [x.shape[0]!, -1]))

export const EPS = 1e-8

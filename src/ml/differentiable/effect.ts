/**
 * What a differentiable effect is: the tfjs twin of one effect of the library, with the same
 * `uses` name and the same parameter names, units and ranges (it reads them from the DSP
 * effect's schema through the chain, never retyped). It maps a 1-D signal tensor to one of
 * the same length; every numeric parameter arrives as a scalar tensor in its units, so
 * gradients flow to whichever of them are free.
 */
import type { Rng } from "../../params/rng.js"
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"

/** Reads a parameter, by its path inside the item (`drive_db`, `bands[1].q`), as a scalar tensor in its units. */
export type ParamReader = (path: string) => Tensor

export interface DifferentiableContext {
  readonly tf: Tf
  readonly sampleRate: number
  /** The item's random stream: the same fork the DSP chain hands the effect (`chain[i]`, channel 0). */
  readonly rng: Rng
}

export interface DifferentiableEffect {
  /** The DSP effect this one mirrors. */
  readonly uses: string
  /**
   * Why these (resolved, constant) params cannot be run differentiably, or undefined when
   * they can: e.g. a detector kind or filter type the tfjs version does not model.
   */
  readonly unsupported?: (params: Readonly<Record<string, unknown>>) => string | undefined
  /** The processed signal (same length as `x`). `params` are the constant values, for non-numeric keys. */
  readonly apply: (x: Tensor, param: ParamReader, params: Readonly<Record<string, unknown>>, ctx: DifferentiableContext) => Tensor
}

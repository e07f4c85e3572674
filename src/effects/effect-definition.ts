import type { Rng } from "../params/rng.js"
import type { JsonSchema } from "../params/schema.js"

/**
 * One effect of the library, named by its `uses` value in a chain (`eq.peaking`,
 * `distortion.tanh`, ...). `params` is a closed object schema of its own keys (not
 * `uses`), with units, ranges and defaults; the chain validates against it and fills
 * defaults before `process` is called, so `process` receives concrete numbers/strings
 * (distributions already drawn).
 *
 * `process` is pure with respect to its input: it returns a new mono buffer of the same
 * length (reverbs and delays are truncated to the input length unless they declare a
 * `tail_seconds`-style param of their own). Randomness (jitter, stochastic tails) comes
 * from `rng` only.
 */
export interface EffectDefinition<P = any> {
  readonly uses: string
  readonly description: string
  readonly params: JsonSchema
  readonly process: (input: Float32Array, sampleRate: number, params: P, rng: Rng) => Float32Array
}

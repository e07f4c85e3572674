import type { Rng } from "../params/rng.js"
import type { JsonSchema } from "../params/schema.js"
import { DataError } from "../errors/audioml-error.js"

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
 *
 * `processInto`, where an effect has it, is the same computation written into a buffer
 * the caller owns: `output` (the input's length, a different buffer than `input`) gets
 * exactly the samples `process` would return. Chains use it to run on two reused buffers
 * instead of a fresh signal-length allocation per effect (page faults on fresh memory cost
 * about as much as a simple effect). Use {@link processEffectInto} to call it on any effect.
 */
export interface EffectDefinition<P = any> {
  readonly uses: string
  readonly description: string
  readonly params: JsonSchema
  readonly process: (input: Float32Array, sampleRate: number, params: P, rng: Rng) => Float32Array
  readonly processInto?: (input: Float32Array, output: Float32Array, sampleRate: number, params: P, rng: Rng) => void
}

/**
 * An effect defined by its in-place form: `process` allocates the output and calls
 * `processInto`, so both give the same samples by construction.
 */
export const inPlaceEffect = <P>(def: {
  readonly uses: string
  readonly description: string
  readonly params: JsonSchema
  readonly processInto: (input: Float32Array, output: Float32Array, sampleRate: number, params: P, rng: Rng) => void
}): EffectDefinition<P> & { readonly processInto: NonNullable<EffectDefinition<P>["processInto"]> } => {
  const into = def.processInto
  return {
    ...def,
    process: (input, sampleRate, params, rng) => {
      const output = new Float32Array(input.length)
      into(input, output, sampleRate, params, rng)
      return output
    }
  }
}

/**
 * Run `def` on `input`, writing its `input.length` output samples into `output` (same
 * length, not the same buffer as `input`): the effect's own `processInto` where it has
 * one, else `process` copied into `output`.
 */
export const processEffectInto = <P>(def: EffectDefinition<P>, input: Float32Array, output: Float32Array, sampleRate: number, params: P, rng: Rng): void => {
  if (output.length !== input.length) throw new DataError({ message: `${def.uses}: output buffer has ${output.length} samples for ${input.length} input samples` })
  if (output.buffer === input.buffer && output.byteOffset < input.byteOffset + input.byteLength && input.byteOffset < output.byteOffset + output.byteLength) {
    throw new DataError({ message: `${def.uses}: the output buffer overlaps the input (processInto writes to a separate buffer)` })
  }
  if (def.processInto !== undefined) {
    def.processInto(input, output, sampleRate, params, rng)
    return
  }
  const wet = def.process(input, sampleRate, params, rng)
  if (wet.length !== input.length) throw new DataError({ message: `${def.uses} returned ${wet.length} samples for ${input.length}` })
  output.set(wet)
}

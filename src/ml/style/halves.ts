/**
 * DeepAFx-ST's split of a training pair into the encoder's view and the ground truth: of n
 * samples, half h covers [h·m, (h+1)·m) with m = ⌊n/2⌋ (an odd last sample is dropped).
 * The target's reference half is the style reference; the other half of the input is what
 * gets processed, and the same half of the target is its ground truth. Both halves hold
 * different material, so the reference says nothing about the notes to be matched.
 */
export interface Halves {
  /** Input half to process. */
  readonly input: Float32Array
  /** Target half of other material: the style reference. */
  readonly reference: Float32Array
  /** Target half matching `input`: what a perfect style transfer would output. */
  readonly truth: Float32Array
  /** The input half matching the reference (same material as `reference`). */
  readonly referenceInput: Float32Array
}

/** Split mono `input`/`target` (same length, ≥ 2 samples) with the reference in half `referenceHalf`. */
export const splitHalves = (input: Float32Array, target: Float32Array, referenceHalf: 0 | 1): Halves => {
  if (input.length !== target.length) throw new RangeError(`input has ${input.length} samples, target ${target.length}: a style pair needs equal lengths`)
  const m = Math.floor(input.length / 2)
  if (m < 1) throw new RangeError(`a style pair needs at least 2 samples (got ${input.length})`)
  const half = (x: Float32Array, h: number) => x.subarray(h * m, (h + 1) * m)
  const other = 1 - referenceHalf
  return { input: half(input, other), reference: half(target, referenceHalf), truth: half(target, other), referenceInput: half(input, referenceHalf) }
}

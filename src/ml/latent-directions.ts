/**
 * Directions in a latent space that move a labelled attribute ("brighter"): the
 * least-squares slope of the latent means on the standardised attribute,
 * d = Σ_i (a_i − ā)(μ_i − μ̄) / (n·std(a)), i.e. how far the mean latent point moves per
 * standard deviation of the attribute. Its unit vector is the direction; its length says how
 * strongly the latent space encodes the attribute.
 */

/** A latent direction: the unit vector and the latent distance per attribute standard deviation. */
export interface LatentDirection {
  readonly vector: ReadonlyArray<number>
  readonly per_std: number
}

/** The direction of `values` (one per latent point `mus`); undefined when the attribute does not vary. */
export const latentDirection = (mus: ReadonlyArray<ArrayLike<number>>, values: ReadonlyArray<number>): LatentDirection | undefined => {
  const n = mus.length
  if (n < 2 || values.length !== n) return undefined
  const dims = mus[0]!.length
  const meanA = values.reduce((a, b) => a + b, 0) / n
  const std = Math.sqrt(values.reduce((s, v) => s + (v - meanA) ** 2, 0) / n)
  if (!(std > 0)) return undefined
  const meanMu = new Float64Array(dims)
  for (const m of mus) for (let d = 0; d < dims; d++) meanMu[d] += m[d]! / n
  const slope = new Float64Array(dims)
  mus.forEach((m, i) => {
    for (let d = 0; d < dims; d++) slope[d] += ((values[i]! - meanA) * (m[d]! - meanMu[d]!)) / (n * std)
  })
  const length = Math.hypot(...slope)
  if (!(length > 0)) return undefined
  return { vector: Array.from(slope, (v) => v / length), per_std: length }
}

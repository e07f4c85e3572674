/**
 * Tone matching by retrieval: each query embedding is compared with every bank embedding
 * (squared Euclidean distance); the bank's identities are ranked by their closest
 * embedding, and a query is right at k when its own identity is among the first k.
 */

export interface ToneMatchResult {
  /** Fraction of queries whose identity ranks first. */
  readonly top1: number
  /** Fraction of queries whose identity is among the first 5. */
  readonly top5: number
  /** Mean reciprocal rank of the query's identity (0 where the bank lacks it). */
  readonly mrr: number
  readonly queries: number
  /** Distinct identities in the bank. */
  readonly bank_identities: number
  readonly bank_items: number
  /** Queries whose identity is not in the bank at all (counted as misses). */
  readonly missing_from_bank: number
  /** Chance level of top-1: 1 / bank identities. */
  readonly chance_top1: number
}

export interface Ranked {
  readonly identity: string
  readonly distance: number
}

/** Squared Euclidean distance. */
export const squaredDistance = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!
    s += d * d
  }
  return s
}

/** Bank identities by their closest embedding to `query`, nearest first (ties: identity order). */
export const rankIdentities = (query: ArrayLike<number>, bank: ReadonlyArray<{ readonly identity: string; readonly embedding: ArrayLike<number> }>): Ranked[] => {
  const best = new Map<string, number>()
  for (const b of bank) {
    const d = squaredDistance(query, b.embedding)
    const seen = best.get(b.identity)
    if (seen === undefined || d < seen) best.set(b.identity, d)
  }
  return [...best.entries()].map(([identity, distance]) => ({ identity, distance })).sort((x, y) => x.distance - y.distance || (x.identity < y.identity ? -1 : x.identity > y.identity ? 1 : 0))
}

/** Top-1, top-5 and MRR of `queries` against `bank`. */
export const toneMatch = (
  queries: ReadonlyArray<{ readonly identity: string; readonly embedding: ArrayLike<number> }>,
  bank: ReadonlyArray<{ readonly identity: string; readonly embedding: ArrayLike<number> }>
): ToneMatchResult => {
  const identities = new Set(bank.map((b) => b.identity))
  let top1 = 0
  let top5 = 0
  let rr = 0
  let missing = 0
  for (const q of queries) {
    if (!identities.has(q.identity)) {
      missing++
      continue
    }
    const rank = rankIdentities(q.embedding, bank).findIndex((r) => r.identity === q.identity)
    if (rank === 0) top1++
    if (rank < 5) top5++
    rr += 1 / (rank + 1)
  }
  const n = Math.max(1, queries.length)
  return {
    top1: top1 / n,
    top5: top5 / n,
    mrr: rr / n,
    queries: queries.length,
    bank_identities: identities.size,
    bank_items: bank.length,
    missing_from_bank: missing,
    chance_top1: identities.size > 0 ? 1 / identities.size : 0
  }
}

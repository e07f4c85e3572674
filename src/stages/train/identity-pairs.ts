/**
 * Training pairs of an embedding model (model.tone_embedding): items grouped by the value of
 * an identity label (the synth preset's key: the same sound at other notes or velocities);
 * each group of n ≥ 2 items, in id order, gives the pairs (i, i + 1 mod n) — one pair when
 * n = 2. Groups of one item give none (they can still be negatives at evaluation).
 */
import { DataError } from "../../errors/audioml-error.js"

export interface IdentityPairs<T> {
  /** (anchor, positive) pairs. */
  readonly pairs: ReadonlyArray<readonly [T, T]>
  /** The identity number of each pair (equal for pairs of the same identity). */
  readonly ids: ReadonlyArray<number>
  /** Number of identities with at least one pair. */
  readonly identities: number
}

export const identityPairs = <T extends { readonly id: string; readonly labels: Readonly<Record<string, unknown>> }>(items: ReadonlyArray<T>, identity: string): IdentityPairs<T> => {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const v = item.labels[identity]
    if (v === undefined) throw new DataError({ message: `identity label "${identity}" is missing from item "${item.id}" (its labels: ${Object.keys(item.labels).sort().slice(0, 12).join(", ")}…)` })
    const key = String(v)
    const g = groups.get(key)
    if (g === undefined) groups.set(key, [item])
    else g.push(item)
  }
  const pairs: Array<readonly [T, T]> = []
  const ids: number[] = []
  let identities = 0
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    if (g.length < 2) continue
    const n = g.length === 2 ? 1 : g.length
    for (let i = 0; i < n; i++) {
      pairs.push([g[i]!, g[(i + 1) % g.length]!])
      ids.push(identities)
    }
    identities++
  }
  return { pairs, ids, identities }
}

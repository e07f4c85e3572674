/**
 * Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions):
 * "frq" → "freq" is 1, "fqer" → "freq" is 2.
 */
export const editDistance = (a: string, b: string): number => {
  const n = a.length
  const m = b.length
  if (n === 0) return m
  if (m === 0) return n
  // Three rolling rows: the transposition step looks two rows back.
  let prev2 = new Array<number>(m + 1).fill(0)
  let prev = Array.from({ length: m + 1 }, (_, j) => j)
  let cur = new Array<number>(m + 1).fill(0)
  for (let i = 1; i <= n; i++) {
    cur[0] = i
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1)
      cur[j] = d
    }
    const t = prev2
    prev2 = prev
    prev = cur
    cur = t
  }
  return prev[m]!
}

/**
 * The known word closest to `word`, if it is close enough to be a plausible typo
 * (at most a third of the word's letters wrong, at least 1, at most 3).
 */
export const closest = (word: string, known: Iterable<string>): string | undefined => {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)))
  let best: string | undefined
  let bestD = Infinity
  for (const k of known) {
    const d = k.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, k)
    if (d < bestD || (d === bestD && best !== undefined && k < best)) {
      best = k
      bestD = d
    }
  }
  return bestD <= limit && bestD < word.length ? best : undefined
}

/** ` — did you mean "freq"?`, or "" when nothing is close. */
export const didYouMean = (word: string, known: Iterable<string>): string => {
  const c = closest(word, known)
  return c === undefined ? "" : ` — did you mean "${c}"?`
}

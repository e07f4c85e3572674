/**
 * Pearson's chi-square goodness-of-fit test against equal expected counts, with the
 * p-value from the regularised upper incomplete gamma function Q(dof / 2, x / 2)
 * (Numerical Recipes §6.2: series for x < a + 1, Lentz continued fraction otherwise).
 */

const lnGamma = (z: number): number => {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for z > 0
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z)
  const x = z - 1
  let a = c[0]!
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Q(a, x) = Γ(a, x) / Γ(a), the regularised upper incomplete gamma function. */
export const gammaQ = (a: number, x: number): number => {
  if (x <= 0) return 1
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a))
  if (x < a + 1) {
    let term = 1 / a
    let sum = term
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n)
      sum += term
    }
    return 1 - front * sum
  }
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return front * h
}

/** The chi-square statistic of `counts` against equal expected counts, and its p-value (dof = categories − 1). */
export const chiSquareUniform = (counts: ReadonlyArray<number>): { readonly statistic: number; readonly dof: number; readonly p: number } => {
  const n = counts.reduce((a, b) => a + b, 0)
  const expected = n / counts.length
  const statistic = counts.reduce((s, o) => s + ((o - expected) * (o - expected)) / expected, 0)
  const dof = counts.length - 1
  return { statistic, dof, p: gammaQ(dof / 2, statistic / 2) }
}

/**
 * Modified Bessel function of the first kind, order 0, by its power series
 * sum_k ((x/2)^k / k!)^2; converges fast for the Kaiser-window arguments used here (β ≤ 20).
 */
export const besselI0 = (x: number): number => {
  let sum = 1
  let term = 1
  const q = (x * x) / 4
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k)
    sum += term
    if (term < sum * 1e-17) break
  }
  return sum
}

import { ParameterError } from "../../errors/audioml-error.js"
export type SweepKind = "log" | "linear"

/**
 * Sine sweep from f0 to f1 Hz over the whole buffer, added into `out`.
 * "log" is Farina's exponential sine sweep: x(t) = sin(2π f0 T/R (e^{tR/T} − 1)), R = ln(f1/f0),
 * whose instantaneous frequency f0·e^{tR/T} rises by equal octaves per second (the same
 * formula as scipy.signal.chirp(method="logarithmic")). "linear": f(t) = f0 + (f1 − f0) t/T.
 */
export const sweepInto = (
  out: Float32Array,
  sampleRate: number,
  f0: number,
  f1: number,
  kind: SweepKind,
  amplitude = 1
): Float32Array => {
  const n = out.length
  if (n === 0) return out
  const T = n / sampleRate
  if (kind === "log") {
    if (f0 <= 0 || f1 <= 0) throw new ParameterError({ parameter: "a log sweep", message: `a log sweep needs f0 > 0 and f1 > 0 (got ${f0}, ${f1})` })
    if (f0 === f1) {
      const w = (2 * Math.PI * f0) / sampleRate
      for (let i = 0; i < n; i++) out[i]! += amplitude * Math.sin(w * i)
      return out
    }
    const R = Math.log(f1 / f0)
    const k = (2 * Math.PI * f0 * T) / R
    const rate = R / T / sampleRate
    for (let i = 0; i < n; i++) out[i]! += amplitude * Math.sin(k * Math.expm1(rate * i))
    return out
  }
  const c = (Math.PI * (f1 - f0)) / T
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate
    out[i]! += amplitude * Math.sin(2 * Math.PI * f0 * t + c * t * t)
  }
  return out
}

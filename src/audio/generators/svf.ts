export const svfModes = ["lowpass", "bandpass", "highpass"] as const
export type SvfMode = (typeof svfModes)[number]

/**
 * Topology-preserving-transform state-variable filter (Zavalishin; Simper's form): a
 * trapezoidal-integrated analog 2-pole, identical in response to the bilinear transform of
 * ω²/(s² + sω/Q + ω²) prewarped at the cutoff, and stable under fast cutoff modulation.
 * `cutoffAt(i)` gives the cutoff in Hz; coefficients are refreshed every `block` samples.
 */
export const svfInPlace = (
  x: Float32Array,
  sampleRate: number,
  mode: SvfMode,
  q: number,
  cutoffAt: (i: number) => number,
  block = 16
): Float32Array => {
  const k = 1 / Math.max(1e-3, q)
  const nyquistGuard = sampleRate * 0.49
  const m = mode === "lowpass" ? 0 : mode === "bandpass" ? 1 : 2
  let ic1 = 0
  let ic2 = 0
  let a1 = 0
  let a2 = 0
  let a3 = 0
  for (let start = 0; start < x.length; start += block) {
    const fc = Math.min(nyquistGuard, Math.max(1, cutoffAt(start)))
    const g = Math.tan((Math.PI * fc) / sampleRate)
    a1 = 1 / (1 + g * (g + k))
    a2 = g * a1
    a3 = g * a2
    const end = Math.min(x.length, start + block)
    for (let i = start; i < end; i++) {
      const v0 = x[i]!
      const v3 = v0 - ic2
      const v1 = a1 * ic1 + a2 * v3
      const v2 = ic2 + a2 * ic1 + a3 * v3
      ic1 = 2 * v1 - ic1
      ic2 = 2 * v2 - ic2
      x[i] = m === 0 ? v2 : m === 1 ? v1 : v0 - k * v1 - v2
    }
  }
  return x
}

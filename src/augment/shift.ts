import { boolean, number, object } from "../params/schema.js"
import { mapSignal, stepProps, type AugmentStep } from "./step.js"

/** Delay by k samples (k < 0 advances); the vacated part is zeros, or the wrapped-around end. */
export const shiftSamples = (x: Float32Array, k: number, wrap: boolean): Float32Array => {
  const n = x.length
  const out = new Float32Array(n)
  if (n === 0) return out
  if (wrap) {
    const s = ((k % n) + n) % n
    out.set(x.subarray(n - s), 0)
    out.set(x.subarray(0, n - s), s)
  } else if (k >= 0) out.set(x.subarray(0, Math.max(0, n - k)), Math.min(n, k))
  else out.set(x.subarray(Math.min(n, -k)), 0)
  return out
}

export const shiftStep: AugmentStep = {
  uses: "shift",
  description: "Shift in time by a uniform draw in [−max_seconds, max_seconds] (positive = later)",
  params: object({
    ...stepProps("both"),
    max_seconds: number({ description: "Largest shift either way", minimum: 0, maximum: 3600, default: 0.1, unit: "s" }),
    wrap: boolean({ description: "Wrap around (circular shift) instead of filling with silence", default: false })
  }),
  draw: (p, ref, rng) => {
    const max = p["max_seconds"] as number
    const k = Math.round(rng.uniform(-max, max) * ref.sampleRate)
    const wrap = p["wrap"] as boolean
    return { labels: { seconds: k / ref.sampleRate }, apply: (s) => mapSignal(s, (x) => shiftSamples(x, k, wrap)) }
  }
}

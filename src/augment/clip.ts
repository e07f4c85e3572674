import { number, object } from "../params/schema.js"
import { mapSignal, stepProps, type AugmentStep } from "./step.js"

/** The p-th percentile (0…100, linear interpolation as numpy's default) of |x| over all channels. */
export const absPercentile = (channels: ReadonlyArray<Float32Array>, p: number): number => {
  let n = 0
  for (const c of channels) n += c.length
  if (n === 0) return 0
  const all = new Float32Array(n)
  let o = 0
  for (const c of channels) for (let i = 0; i < c.length; i++) all[o++] = Math.abs(c[i]!)
  all.sort()
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (n - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(n - 1, lo + 1)
  return all[lo]! + (pos - lo) * (all[hi]! - all[lo]!)
}

export const clipStep: AugmentStep = {
  uses: "clip",
  description: "Hard-clip at the `percentile`-th percentile of |x| (99 → the loudest 1 % of samples are clipped)",
  params: object({
    ...stepProps("input"),
    percentile: number({ description: "Percentile of |x| that becomes the clip level", minimum: 0, maximum: 100, default: 99, unit: "%" })
  }),
  draw: (p, ref) => {
    // Measured on the reference (the pair's input for "both"), then the same level everywhere.
    const t = absPercentile(ref.channels, p["percentile"] as number)
    return {
      labels: { percentile: p["percentile"] as number, threshold: t },
      apply: (s) =>
        mapSignal(s, (x) => {
          const out = new Float32Array(x.length)
          for (let i = 0; i < x.length; i++) {
            const v = x[i]!
            out[i] = v > t ? t : v < -t ? -t : v
          }
          return out
        })
    }
  }
}

import { number, object } from "../params/schema.js"
import { lengthOf, mapSignal, stepProps, type AugmentStep } from "./step.js"

export const timeMaskStep: AugmentStep = {
  uses: "time_mask",
  description: "Silence one random stretch, its length uniform in [0, max_fraction] of the clip (SpecAugment-style time masking)",
  params: object({
    ...stepProps("both"),
    max_fraction: number({ description: "Longest mask, as a fraction of the clip", minimum: 0, maximum: 1, default: 0.1 })
  }),
  draw: (p, ref, rng) => {
    const n = lengthOf(ref)
    const length = Math.round(rng.uniform(0, p["max_fraction"] as number) * n)
    const start = rng.int(0, Math.max(0, n - length))
    return {
      labels: { start: start / ref.sampleRate, seconds: length / ref.sampleRate },
      apply: (s) =>
        mapSignal(s, (x) => {
          const out = x.slice()
          out.fill(0, Math.min(start, out.length), Math.min(start + length, out.length))
          return out
        })
    }
  }
}

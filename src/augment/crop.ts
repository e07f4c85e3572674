import { number, object } from "../params/schema.js"
import { lengthOf, mapSignal, stepProps, type AugmentStep } from "./step.js"

export const cropStep: AugmentStep = {
  uses: "crop",
  description: "Keep a random excerpt of `seconds` (a clip shorter than that is padded with silence at the end)",
  params: object({
    ...stepProps("both"),
    seconds: number({ description: "Length of the excerpt", exclusiveMinimum: 0, maximum: 3600, default: 1, unit: "s" })
  }),
  draw: (p, ref, rng) => {
    const m = Math.max(1, Math.round((p["seconds"] as number) * ref.sampleRate))
    const start = rng.int(0, Math.max(0, lengthOf(ref) - m))
    return {
      labels: { start: start / ref.sampleRate },
      apply: (s) =>
        mapSignal(s, (x) => {
          const out = new Float32Array(m)
          out.set(x.subarray(Math.min(start, x.length), Math.min(start + m, x.length)))
          return out
        })
    }
  }
}

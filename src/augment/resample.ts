import { integer, object } from "../params/schema.js"
import { resample } from "../dsp/resample.js"
import { mapSignal, stepProps, type AugmentStep } from "./step.js"

/**
 * Down to `rate` and back with the project's band-limited polyphase resampler
 * (src/dsp/resample.ts, Kaiser-windowed sinc): everything above rate/2 is removed, as by a
 * low-rate recording chain. The result keeps the clip's length and alignment.
 */
export const resampleStep: AugmentStep = {
  uses: "resample",
  description: "Band-limit by resampling down to `rate` and back up (a rate at or above the clip's leaves it unchanged)",
  params: object({
    ...stepProps("input"),
    rate: integer({ description: "Intermediate sample rate", minimum: 1000, maximum: 384000, default: { choice: [8000, 11025, 16000, 22050] }, unit: "Hz" })
  }),
  draw: (p) => {
    const rate = p["rate"] as number
    return {
      labels: { rate },
      apply: (s) => {
        if (rate >= s.sampleRate) return s
        return mapSignal(s, (x) => {
          const back = resample(resample(x, s.sampleRate, rate), rate, s.sampleRate)
          if (back.length === x.length) return back
          const out = new Float32Array(x.length)
          out.set(back.subarray(0, Math.min(back.length, x.length)))
          return out
        })
      }
    }
  }
}

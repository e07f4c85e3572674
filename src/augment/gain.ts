import { number, object } from "../params/schema.js"
import { mapSignal, scaled, stepProps, type AugmentStep } from "./step.js"
import { dbToGain } from "../dsp/decibels.js"

export const gainStep: AugmentStep = {
  uses: "gain",
  description: "Multiply by a gain",
  params: object({
    ...stepProps("both"),
    gain_db: number({ description: "Gain", minimum: -60, maximum: 40, default: { uniform: [-6, 6] }, unit: "dB" })
  }),
  draw: (p) => {
    const db = p["gain_db"] as number
    const g = dbToGain(db)
    return { labels: { gain_db: db }, apply: (s) => mapSignal(s, (x) => scaled(x, g)) }
  }
}

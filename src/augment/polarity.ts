import { object } from "../params/schema.js"
import { mapSignal, scaled, stepProps, type AugmentStep } from "./step.js"

export const polarityStep: AugmentStep = {
  uses: "polarity",
  description: "Invert the polarity (multiply by −1); use p = 0.5 for a random flip",
  params: object({ ...stepProps("both") }),
  draw: () => ({ labels: {}, apply: (s) => mapSignal(s, (x) => scaled(x, -1)) })
}

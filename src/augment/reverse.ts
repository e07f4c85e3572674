import { object } from "../params/schema.js"
import { mapSignal, stepProps, type AugmentStep } from "./step.js"

export const reverseStep: AugmentStep = {
  uses: "reverse",
  description: "Play the clip backwards",
  params: object({ ...stepProps("both") }),
  draw: () => ({ labels: {}, apply: (s) => mapSignal(s, (x) => x.slice().reverse()) })
}

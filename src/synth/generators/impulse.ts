import { object, number } from "../../params/schema.js"
import { impulseInto } from "../../audio/generators/impulse.js"
import { weightParam } from "./common-params.js"
import type { SyntheticGenerator } from "./generator.js"

export const impulseGenerator: SyntheticGenerator = {
  uses: "impulse",
  description: "A unit impulse (or a train of them): the input for measuring an effect's impulse response",
  params: object({
    weight: weightParam,
    position: number({ description: "Time of the (first) impulse", minimum: 0, default: 0, unit: "s" }),
    interval: number({ description: "Time between impulses; 0 = a single impulse", minimum: 0, default: 0, unit: "s" }),
    amplitude: number({ description: "Height of each impulse", minimum: 0, maximum: 1, default: 1 })
  }),
  render: (p, out, ctx) => {
    impulseInto(out, ctx.sampleRate, p["position"] as number, p["amplitude"] as number, p["interval"] as number)
  }
}

import { object, number } from "../../params/schema.js"
import { sineInto } from "../../audio/generators/sine.js"
import { amplitudeParam, weightParam } from "./common-params.js"
import type { SyntheticGenerator } from "./generator.js"
import { DataError } from "../../errors/audioml-error.js"

export const sineGenerator: SyntheticGenerator = {
  uses: "sine",
  description: "A sine tone",
  params: object({
    weight: weightParam,
    freq: number({ description: "Frequency", exclusiveMinimum: 0, maximum: 192000, default: 440, unit: "Hz" }),
    amplitude: amplitudeParam("Peak amplitude", 0.5)
  }),
  render: (p, out, ctx) => {
    const freq = p["freq"] as number
    if (freq >= ctx.sampleRate / 2) throw new DataError({ message: `freq ${freq} Hz is not below Nyquist (${ctx.sampleRate / 2} Hz)` })
    sineInto(out, ctx.sampleRate, freq, p["amplitude"] as number)
  }
}

import { object, number, oneOf } from "../../params/schema.js"
import { sweepInto, type SweepKind } from "../../audio/generators/sweep.js"
import { amplitudeParam, weightParam } from "./common-params.js"
import type { SyntheticGenerator } from "./generator.js"

export const sweepGenerator: SyntheticGenerator = {
  uses: "sweep",
  description: "A sine sweep over the whole clip: exponential (Farina) or linear",
  params: object({
    weight: weightParam,
    f0: number({ description: "Start frequency", exclusiveMinimum: 0, maximum: 192000, default: 20, unit: "Hz" }),
    f1: number({ description: "End frequency (kept below Nyquist: the label holds the value used)", exclusiveMinimum: 0, maximum: 192000, default: 20000, unit: "Hz" }),
    kind: oneOf(["log", "linear"], { description: "log: exponential sine sweep (equal time per octave); linear: constant Hz/s", default: "log", distribution: true }),
    amplitude: amplitudeParam("Peak amplitude", 0.5)
  }),
  render: (p, out, ctx) => {
    // Keep both ends below Nyquist so a 20 kHz default still works at 16 kHz.
    const limit = ctx.sampleRate * 0.49
    const f0 = Math.min(p["f0"] as number, limit)
    const f1 = Math.min(p["f1"] as number, limit)
    if (f0 !== p["f0"]) ctx.label("f0", f0)
    if (f1 !== p["f1"]) ctx.label("f1", f1)
    sweepInto(out, ctx.sampleRate, f0, f1, p["kind"] as SweepKind, p["amplitude"] as number)
  }
}

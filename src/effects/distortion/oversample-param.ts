import type { OversampleFactor } from "../../dsp/oversample.js"
import { oneOf, type JsonSchema } from "../../params/schema.js"

/** The `oversample` key every static nonlinearity takes (src/dsp/oversample.ts). */
export const oversampleParam = (defaultFactor: OversampleFactor): JsonSchema =>
  oneOf([1, 2, 4, 8], {
    description: "run the nonlinearity at this multiple of the sample rate (half-band anti-alias filters, latency compensated)",
    default: defaultFactor
  })


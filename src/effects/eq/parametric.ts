import { runBiquads } from "../../dsp/biquad.js"
import { array, object, taggedUnion } from "../../params/schema.js"
import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { bandCoefficients, filterEffects, type FilterParams } from "./filters.js"

export interface ParametricParams {
  readonly bands: ReadonlyArray<FilterParams & { readonly uses: string }>
}

/** A cascade of any single-band EQ filters, run in the order listed (double precision between bands). */
export const parametricEq: EffectDefinition<ParametricParams> = inPlaceEffect<ParametricParams>({
  uses: "eq.parametric",
  description: "Parametric EQ: a list of bands, each any single-band eq.* filter, applied in order.",
  params: object({
    bands: array(taggedUnion(filterEffects.map((e) => ({ uses: e.uses, schema: e.params }))), {
      description: "bands, e.g. [{ uses = \"eq.peaking\", freq = 800, q = 1, gain_db = 3 }, { uses = \"eq.highpass\", freq = 40 }]",
      default: []
    })
  }),
  processInto: (input, output, sampleRate, params) => {
    runBiquads(
      params.bands.map((b) => bandCoefficients(b.uses, b, sampleRate)),
      input,
      output
    )
  }
})

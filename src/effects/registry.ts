import { Catalog } from "../params/catalog.js"
import type { EffectDefinition } from "./effect-definition.js"
import { eqEffects } from "./eq/eq-effects.js"
import { distortionEffects } from "./distortion/distortion-effects.js"
import { dynamicsEffects } from "./dynamics/dynamics-effects.js"
import { modulationEffects } from "./modulation/modulation-effects.js"
import { delayEffects } from "./delay/delay-effects.js"
import { utilityEffects } from "./utility/utility-effects.js"
import { reverbEffects } from "./reverb/reverb-effects.js"
import { circuitEffects } from "./circuit/circuit-effects.js"

/**
 * Every effect of the library, by `uses` name. Add an effect by importing its
 * definition(s) here. The effects.chain stage, `audioml fx`, the `filter` augmentation
 * and the README tables all read this catalog.
 */
export const effectCatalog: Catalog<EffectDefinition> = new Catalog(
  [...eqEffects, ...distortionEffects, ...dynamicsEffects, ...modulationEffects, ...delayEffects, ...utilityEffects, ...reverbEffects, ...circuitEffects],
  { kind: "effect", schemaOf: (e) => e.params }
)

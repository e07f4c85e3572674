import type { EffectDefinition } from "../effect-definition.js"
import { filterEffects } from "./filters.js"
import { parametricEq } from "./parametric.js"

/** The EQ family, in the order the README lists them. */
export const eqEffects: ReadonlyArray<EffectDefinition> = [...filterEffects, parametricEq]

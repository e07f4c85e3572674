import type { EffectDefinition } from "../effect-definition.js"
import { circuitSpice } from "./spice.js"

/** The circuit family: effects that simulate a circuit given as a netlist. */
export const circuitEffects: ReadonlyArray<EffectDefinition> = [circuitSpice]

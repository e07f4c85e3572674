import type { EffectDefinition } from "../effect-definition.js"
import { gainEffect } from "./gain.js"
import { polarityEffect } from "./polarity.js"

export const utilityEffects: ReadonlyArray<EffectDefinition> = [gainEffect, polarityEffect]

import type { EffectDefinition } from "../effect-definition.js"
import { echoEffect } from "./echo.js"

export const delayEffects: ReadonlyArray<EffectDefinition> = [echoEffect]

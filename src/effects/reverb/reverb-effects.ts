import type { EffectDefinition } from "../effect-definition.js"
import { algorithmicDefinition } from "./algorithmic.js"
import { convolveDefinition } from "./convolve.js"
import { roomDefinition } from "./room.js"

export const reverbEffects: ReadonlyArray<EffectDefinition> = [roomDefinition, convolveDefinition, algorithmicDefinition]

import type { EffectDefinition } from "../effect-definition.js"
import { algorithmicDefinition } from "./algorithmic.js"
import { convolveDefinition } from "./convolve.js"
import { noiseReverbDefinition } from "./noise-reverb.js"
import { roomDefinition } from "./room.js"

export const reverbEffects: ReadonlyArray<EffectDefinition> = [roomDefinition, convolveDefinition, algorithmicDefinition, noiseReverbDefinition]

import type { EffectDefinition } from "../effect-definition.js"
import { compressor } from "./compressor.js"
import { noiseGate } from "./gate.js"
import { limiter } from "./limiter.js"
import { optical } from "./optical.js"

export const dynamicsEffects: ReadonlyArray<EffectDefinition> = [compressor, limiter, noiseGate, optical]

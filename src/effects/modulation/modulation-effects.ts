import type { EffectDefinition } from "../effect-definition.js"
import { chorusEffect } from "./chorus.js"
import { flangerEffect } from "./flanger.js"
import { phaserEffect } from "./phaser.js"
import { vibratoEffect } from "./vibrato.js"

export const modulationEffects: ReadonlyArray<EffectDefinition> = [chorusEffect, flangerEffect, phaserEffect, vibratoEffect]

import type { EffectDefinition } from "./effect-definition.js"

/**
 * Every effect of the library, by `uses` name. Add an effect by importing its
 * definition(s) here. The effects.chain stage, `audioml fx`, the `filter` augmentation
 * and the README tables all read this list.
 */
export const effectDefinitions: ReadonlyArray<EffectDefinition> = []

export const effectByUses = (uses: string): EffectDefinition | undefined => effectDefinitions.find((e) => e.uses === uses)

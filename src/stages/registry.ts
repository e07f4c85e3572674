import type { StageDefinition } from "../engine/stage.js"

/**
 * Every built-in stage kind, by its `uses` name. Add a stage by importing its definition
 * here; `npm run schemas` then writes schemas/stages/<uses>.schema.json.
 */
export const builtinStages: ReadonlyArray<StageDefinition> = []

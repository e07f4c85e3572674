import { array, integer, object, record, string, type JsonSchema } from "../params/schema.js"

/** Run names become folder names (runs/<name>/...), so they stay filename-safe. */
export const namePattern = "^[A-Za-z0-9][A-Za-z0-9._-]*$"

export const defaultSeed = 0
export const defaultSampleRate = 44100

/**
 * The keys of a config file outside [stages]. `stages` appears here only as "a table";
 * each stage table is checked against its own kind's schema (see schema-files.ts for the
 * editor-facing union of all of them).
 */
export const topLevelProperties = (stages: JsonSchema): Record<string, JsonSchema> => ({
  name: string({
    description: "Run name: runs go to runs/<name>/<run-id>/. Default: the config file's base name.",
    pattern: namePattern
  }),
  seed: integer({
    description: "Pipeline seed: every stage derives its own random stream from it and its stage id.",
    minimum: 0,
    default: defaultSeed,
    distribution: false
  }),
  sample_rate: integer({
    description: "Sample rate of the pipeline; filled into every stage that has a sample_rate parameter and does not set it.",
    minimum: 1,
    maximum: 768000,
    unit: "Hz",
    default: defaultSampleRate,
    distribution: false
  }),
  description: string({ description: "Free text describing the pipeline." }),
  extends: string({
    description: "A base config (path relative to this file), deep-merged under this one: this file wins.",
    minLength: 1
  }),
  plugins: array(string({ description: "Path of a .js/.mjs module exporting `stages` (relative to the config file).", minLength: 1 }), {
    description: "Modules defining extra stage kinds."
  }),
  stages: stages,
  sweep: record(array({}, { description: "Values to try, in order.", minItems: 1 }), {
    description: 'Variations: "dotted.path" = [values]. The config expands to the grid of all of them.'
  })
})

/** What the loader validates outside [stages]. */
export const topLevelSchema: JsonSchema = object(
  topLevelProperties({ type: "object", description: "The pipeline's stages, by id.", additionalProperties: { type: "object" } })
)

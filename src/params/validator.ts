import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js"
import type { JsonSchema } from "./schema.js"

/**
 * One ajv instance for all config validation: every error at once (allErrors), defaults
 * filled in (also inside the branch a `uses` discriminator picks), and the schema
 * objects attached to errors (verbose) so messages can list known keys and kinds.
 */
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, discriminator: true, strict: false, verbose: true })

const compiled = new WeakMap<object, ValidateFunction>()

/** The compiled validator of a schema (cached per schema object); throws if the schema itself is invalid. */
export const validatorFor = (schema: JsonSchema): ValidateFunction => {
  const cached = compiled.get(schema)
  if (cached !== undefined) return cached
  const v = ajv.compile(schema as object)
  compiled.set(schema, v)
  return v
}

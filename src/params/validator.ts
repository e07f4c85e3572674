import { createRequire } from "node:module"
import type { Ajv2020, Options, ValidateFunction } from "ajv/dist/2020.js"
import type { JsonSchema } from "./schema.js"

/**
 * ajv is loaded on first use, not at import: a cached rerun finds every validation in the
 * memo (config/validation-memo.ts) and never needs it, and loading it costs start-up time.
 */
const load = createRequire(import.meta.url)
let ajvClass: typeof Ajv2020 | undefined

/** A new ajv (JSON Schema 2020-12) instance with `options`, loading ajv on first use. */
export const createAjv = (options: Options): Ajv2020 => {
  ajvClass ??= (load("ajv/dist/2020.js") as { Ajv2020: typeof Ajv2020 }).Ajv2020
  return new ajvClass(options)
}

/**
 * One ajv instance for all config validation: every error at once (allErrors), defaults
 * filled in (also inside the branch a `uses` discriminator picks), and the schema
 * objects attached to errors (verbose) so messages can list known keys and kinds.
 */
let ajv: Ajv2020 | undefined

const compiled = new WeakMap<object, ValidateFunction>()

/** The compiled validator of a schema (cached per schema object); throws if the schema itself is invalid. */
export const validatorFor = (schema: JsonSchema): ValidateFunction => {
  const cached = compiled.get(schema)
  if (cached !== undefined) return cached
  ajv ??= createAjv({ allErrors: true, useDefaults: true, discriminator: true, strict: false, verbose: true })
  const v = ajv.compile(schema as object)
  compiled.set(schema, v)
  return v
}

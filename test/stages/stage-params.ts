import { validatorFor } from "../../src/params/validator.js"
import type { StageDefinition } from "../../src/engine/stage.js"

/** Params as the config layer hands them to a stage: validated against its schema, defaults filled in. */
export const stageParams = (stage: StageDefinition, params: Record<string, unknown>): Record<string, unknown> => {
  const p = structuredClone(params)
  const validate = validatorFor(stage.params)
  if (!validate(p)) throw new Error(`invalid params for ${stage.uses}: ${JSON.stringify(validate.errors)}`)
  return p
}

export const sameFiles = (a: ReadonlyMap<string, Uint8Array>, b: ReadonlyMap<string, Uint8Array>): boolean =>
  a.size === b.size && [...a].every(([k, v]) => {
    const w = b.get(k)
    return w !== undefined && Buffer.from(v).equals(Buffer.from(w))
  })

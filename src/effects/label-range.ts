import type { JsonSchema } from "../schema/param-schema.js"
import { leafInfo } from "./param-values.js"
import { effectDefinitions } from "./registry.js"

/**
 * The valid range of an applied-effect label, read from the effect's schema: labels the
 * effects.chain stage writes as `<prefix>.<index>.<uses>.<param>` (e.g.
 * `fx.1.distortion.tanh.drive_db` → distortion.tanh's drive_db range, 0 to 60 dB).
 * Normalised labels (`<prefix>_norm.…`, always in [0, 1]) and anything else give undefined.
 */
export const effectLabelRange = (label: string): { readonly minimum?: number; readonly maximum?: number } | undefined => {
  const m = /^([^.]+)\.\d+\.(.+)$/.exec(label)
  if (m === null || m[1]!.endsWith("_norm")) return undefined
  const rest = m[2]!
  const def = effectDefinitions.find((e) => rest.startsWith(`${e.uses}.`))
  if (def === undefined) return undefined
  const param = rest.slice(def.uses.length + 1)
  const schema = ((def.params["properties"] ?? {}) as Record<string, JsonSchema>)[param]
  const info = schema === undefined ? undefined : leafInfo(schema)
  if (info === undefined || (info.kind !== "number" && info.kind !== "integer")) return undefined
  return { ...(info.minimum !== undefined ? { minimum: info.minimum } : {}), ...(info.maximum !== undefined ? { maximum: info.maximum } : {}) }
}

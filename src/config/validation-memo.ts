import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { JsonSchema } from "../params/schema.js"
import { validatorFor } from "./params-validator.js"
import type { ErrorObject } from "ajv"

/**
 * Compiling the big param schemas (an effect chain is a union over the whole effect
 * library) costs ajv about a second, every process. Validation is a pure function of
 * (schema, params), so a successful result — the params with defaults filled in — is
 * remembered on disk under the hash of both, and a cached rerun skips ajv entirely.
 * Failures are never remembered: they are recomputed so every message is fresh.
 */
const schemaHashes = new WeakMap<object, string>()

const schemaHash = (schema: JsonSchema): string => {
  let h = schemaHashes.get(schema)
  if (h === undefined) {
    h = createHash("sha256").update(JSON.stringify(schema)).digest("hex")
    schemaHashes.set(schema, h)
  }
  return h
}

export type ParamsCheck =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly errors: ReadonlyArray<ErrorObject> }

/** Validate `params` against `schema` (filling defaults), through the memo in `memoDir` when given. */
export const checkParams = (schema: JsonSchema, params: Record<string, unknown>, memoDir?: string): ParamsCheck => {
  const key = memoDir === undefined ? undefined : createHash("sha256").update(schemaHash(schema)).update(JSON.stringify(params)).digest("hex")
  const path = key === undefined ? undefined : join(memoDir!, key.slice(0, 2), `${key.slice(2)}.json`)
  if (path !== undefined) {
    try {
      return { ok: true, value: JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> }
    } catch {
      // not remembered yet
    }
  }
  const value = structuredClone(params)
  const validate = validatorFor(schema)
  if (!validate(value)) return { ok: false, errors: validate.errors ?? [] }
  if (path !== undefined) {
    try {
      mkdirSync(join(memoDir!, key!.slice(0, 2)), { recursive: true })
      const tmp = `${path}.${process.pid}.tmp`
      writeFileSync(tmp, JSON.stringify(value))
      renameSync(tmp, path)
    } catch {
      // a read-only store only loses the speed-up
    }
  }
  return { ok: true, value }
}

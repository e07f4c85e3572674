import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { JsonSchema } from "../params/schema.js"
import { validatorFor } from "../params/validator.js"
import type { ErrorObject } from "ajv"
import { sealJson, unsealJson } from "../engine/sealed-json.js"

/**
 * Compiling the big param schemas (an effect chain is a union over the whole effect
 * library) costs ajv about a second, every process. Validation is a pure function of
 * (schema, params), so a successful result — the params with defaults filled in — is
 * remembered on disk under the hash of both, and a cached rerun skips ajv entirely.
 * Failures are never remembered: they are recomputed so every message is fresh.
 * Memos are sealed (checksummed, and naming their own key): a torn or edited memo is
 * deleted and the params validated again, so it can never change resolved params
 * (`cache verify` reports such memos too).
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
    let text: string | undefined
    try {
      text = readFileSync(path, "utf8")
    } catch {
      // not remembered yet
    }
    if (text !== undefined) {
      const memo = unsealJson<{ key: string; params: Record<string, unknown> }>(text)
      if ("value" in memo && memo.value.key === key && memo.value.params !== null && typeof memo.value.params === "object") {
        return { ok: true, value: memo.value.params }
      }
      rmSync(path, { force: true })
    }
  }
  const value = structuredClone(params)
  const validate = validatorFor(schema)
  if (!validate(value)) return { ok: false, errors: validate.errors ?? [] }
  if (path !== undefined) {
    try {
      mkdirSync(join(memoDir!, key!.slice(0, 2)), { recursive: true })
      const tmp = `${path}.${process.pid}.tmp`
      writeFileSync(tmp, sealJson({ key, params: value }))
      renameSync(tmp, path)
    } catch {
      // a read-only store only loses the speed-up
    }
  }
  return { ok: true, value }
}

import { sha256Hex } from "./hash.js"

/**
 * Store metadata that the engine trusts (validation memos, file-hash memos, verified stamps,
 * checkpoint records) is written "sealed": `{"sha256":"<hash>","value":<value>}`, the hash
 * taken over the value's JSON text exactly as written. A torn, truncated or edited file then
 * fails its check and is dropped with a reason, instead of silently changing params, keys or
 * resumed state. Checking the written text (not a canonical re-serialisation) keeps a cached
 * rerun's reading of thousands of verified stamps cheap.
 */
export const sealJson = (value: unknown): string => {
  const text = JSON.stringify(value)
  return `{"sha256":"${sha256Hex(text)}","value":${text}}`
}

const sealed = /^\{"sha256":"([0-9a-f]{64})","value":/

/** The value of a sealed file, or why it cannot be trusted (never throws). */
export const unsealJson = <T>(text: string): { readonly value: T } | { readonly problem: string } => {
  const body = text.trimEnd()
  const head = sealed.exec(body)
  if (head === null || !body.endsWith("}")) {
    try {
      const parsed: unknown = JSON.parse(text)
      const record = parsed !== null && typeof parsed === "object" && "sha256" in parsed && "value" in parsed
      return { problem: record ? "checksum mismatch" : "not a sealed record (no sha256/value)" }
    } catch (e) {
      return { problem: `not valid JSON (${(e as Error).message})` }
    }
  }
  const valueText = body.slice(head[0].length, -1)
  if (sha256Hex(valueText) !== head[1]) return { problem: "checksum mismatch" }
  try {
    return { value: JSON.parse(valueText) as T }
  } catch (e) {
    return { problem: `not valid JSON (${(e as Error).message})` }
  }
}

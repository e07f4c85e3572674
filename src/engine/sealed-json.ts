import { canonicalJson, sha256Hex } from "./hash.js"

/**
 * Store metadata that the engine trusts (validation memos, file-hash memos, verified stamps,
 * checkpoint records) is written "sealed": `{ "sha256": <hash of the canonical value>, "value": ... }`.
 * A torn, truncated or edited file then fails its check and is dropped with a reason, instead
 * of silently changing params, keys or resumed state.
 */
export const sealJson = (value: unknown): string => JSON.stringify({ sha256: sha256Hex(canonicalJson(value)), value })

/** The value of a sealed file, or why it cannot be trusted (never throws). */
export const unsealJson = <T>(text: string): { readonly value: T } | { readonly problem: string } => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    return { problem: `not valid JSON (${(e as Error).message})` }
  }
  if (parsed === null || typeof parsed !== "object" || !("sha256" in parsed) || !("value" in parsed)) return { problem: "not a sealed record (no sha256/value)" }
  const { sha256, value } = parsed as { sha256: unknown; value: unknown }
  let actual: string
  try {
    actual = sha256Hex(canonicalJson(value))
  } catch {
    return { problem: "value cannot be checksummed" }
  }
  if (actual !== sha256) return { problem: "checksum mismatch" }
  return { value: value as T }
}

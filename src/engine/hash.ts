import { createHash } from "node:crypto"
import canonicalize from "canonicalize"

export const sha256Hex = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex")

/** RFC 8785 canonical JSON: the same value always gives the same bytes, whatever the key order. */
export const canonicalJson = (value: unknown): string => {
  const text = canonicalize(value)
  if (text === undefined) throw new Error("value cannot be canonicalized as JSON")
  return text
}

export const canonicalHash = (value: unknown): string => sha256Hex(canonicalJson(value))

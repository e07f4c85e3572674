import { isTable } from "./values.js"
/**
 * TOML paths as users write them in messages, `--set` and `[sweep]`:
 * `stages.wet.chain[1].drive_db`. A segment is a key (bare, or "quoted" when it holds
 * other characters) or an array index.
 */
export type PathSegment = string | number

const bareKey = /^[A-Za-z0-9_-]+$/

export const formatPath = (segments: ReadonlyArray<PathSegment>): string => {
  let out = ""
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`
    else {
      const key = bareKey.test(s) ? s : JSON.stringify(s)
      out += out === "" ? key : `.${key}`
    }
  }
  return out
}

/** Parse `a.b[2].c` / `stages."my stage".x`; a string result is what is wrong with it. */
export const parsePath = (text: string): ReadonlyArray<PathSegment> | string => {
  const segments: PathSegment[] = []
  let i = 0
  const n = text.length
  if (n === 0) return "empty path"
  for (;;) {
    // A key: bare or quoted.
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1)
      if (end < 0) return `unterminated quote in path "${text}"`
      segments.push(text.slice(i + 1, end))
      i = end + 1
    } else {
      const start = i
      while (i < n && /[A-Za-z0-9_-]/.test(text[i]!)) i++
      if (i === start) return `expected a key at position ${start + 1} of path "${text}"`
      segments.push(text.slice(start, i))
    }
    // Any number of indices.
    while (text[i] === "[") {
      const end = text.indexOf("]", i)
      const digits = end < 0 ? "" : text.slice(i + 1, end)
      if (!/^\d+$/.test(digits)) return `bad index in path "${text}" (use [0], [1], ...)`
      segments.push(Number(digits))
      i = end + 1
    }
    if (i === n) return segments
    if (text[i] !== ".") return `unexpected "${text[i]}" at position ${i + 1} of path "${text}"`
    i++
    if (i === n) return `path "${text}" ends with "."`
  }
}

/**
 * The segments of an ajv instancePath (`/chain/1/drive_db`), read against the data so
 * that a numeric key of a table stays a key and an array position becomes an index.
 */
export const pointerSegments = (pointer: string, data: unknown): PathSegment[] => {
  if (pointer === "") return []
  const parts = pointer
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
  const out: PathSegment[] = []
  let cur: unknown = data
  for (const p of parts) {
    if (Array.isArray(cur) && /^\d+$/.test(p)) {
      out.push(Number(p))
      cur = cur[Number(p)]
    } else {
      out.push(p)
      cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[p] : undefined
    }
  }
  return out
}

export const getAt = (data: unknown, segments: ReadonlyArray<PathSegment>): unknown => {
  let cur = data
  for (const s of segments) {
    if (cur === null || typeof cur !== "object") return undefined
    cur = (cur as Record<string | number, unknown>)[s]
  }
  return cur
}

/**
 * Set a value in place, creating missing tables along the way. Returns what is wrong
 * (an index into a non-array, a key into a number...) or undefined when it worked.
 */
export const setAt = (data: Record<string, unknown>, segments: ReadonlyArray<PathSegment>, value: unknown): string | undefined => {
  let cur: unknown = data
  for (let k = 0; k < segments.length; k++) {
    const s = segments[k]!
    const last = k === segments.length - 1
    const here = formatPath(segments.slice(0, k))
    if (typeof s === "number") {
      if (!Array.isArray(cur)) return `${here} is not an array, so it cannot be indexed with [${s}]`
      if (s > cur.length || (s === cur.length && !last)) return `index [${s}] is out of range: ${here} has ${cur.length} item(s)`
      if (last) cur[s] = value
      else cur = cur[s]
    } else {
      if (!isTable(cur)) return `${here} is not a table, so it has no key "${s}"`
      if (last) cur[s] = value
      else {
        // Missing tables are created; a missing list is not (there is nothing to index).
        if (cur[s] === undefined && typeof segments[k + 1] !== "number") cur[s] = {}
        cur = cur[s]
      }
    }
  }
  return undefined
}

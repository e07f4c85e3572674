import TOML from "@iarna/toml"
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from "node:fs"
import { dirname, isAbsolute, relative, resolve } from "node:path"
import { isTable } from "../params/values.js"
import type { ConfigIssue } from "./config-error.js"

export type Table = Record<string, unknown>

/** Paths in messages: relative to the working directory when below it, else absolute. */
export const displayPath = (abs: string): string => {
  const rel = relative(process.cwd(), abs)
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel
}

/**
 * Plain data from @iarna/toml's output: drops its symbols, turns dates into ISO strings and
 * integers that fit a double exactly into numbers. NaN and ±inf stay numbers, and larger
 * integers stay BigInts, for unrepresentableValues to report by path.
 */
export const plain = <T>(v: T): T => plainValue(v) as T

const plainValue = (v: unknown): unknown => {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v
  if (v instanceof Date) return v.toISOString()
  if (Array.isArray(v)) return v.map(plainValue)
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).map((k) => [k, plainValue((v as Table)[k])]))
  return v
}

/**
 * Values a pipeline cannot hold, by TOML path: `nan`/`inf` (no parameter is meant to be
 * infinite, and JSON has no such number) and integers beyond ±(2^53 − 1), which a double
 * cannot hold exactly (a 20-digit seed).
 */
export const unrepresentableValues = (v: unknown, path: string = ""): ConfigIssue[] => {
  const at = (key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`)
  // @iarna/toml wraps integers beyond 64 bits, so the value read may differ from the one written
  if (typeof v === "bigint")
    return [{ path, message: `integer too large (read as ${v}): at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1) in absolute value` }]
  if (typeof v === "number" && !Number.isFinite(v)) return [{ path, message: `must be a finite number (got ${Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf"})` }]
  if (Array.isArray(v)) return v.flatMap((x, i) => unrepresentableValues(x, at(i)))
  if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => unrepresentableValues(x, at(k)))
  return []
}

/** @iarna/toml messages end with " at row R, col C, pos P:" and a code excerpt. */
const tomlMessage = (message: string): string => message.replace(/ at row \d+, col \d+, pos \d+:[\s\S]*$/, "").trim()

export type ParseResult = { readonly ok: true; readonly data: Table } | { readonly ok: false; readonly issues: ConfigIssue[] }

/** The largest config (or `extends` base) file read, in bytes: real configs are a few kB. */
export const maxConfigBytes = 10 * 1024 * 1024

/**
 * A config file's text: a regular file of at most maxConfigBytes (a device such as
 * /dev/zero, a FIFO or a folder is refused before reading), read with that cap so a file
 * growing meanwhile cannot make it unbounded. Returns the text or why it cannot be read.
 */
const readConfigText = (abs: string): { text?: string; why?: string } => {
  let fd: number
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK) // non-blocking: opening a FIFO must not wait for a writer
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return { why: code === "ENOENT" ? "file not found" : code === "ELOOP" ? "symbolic link loop" : String((e as Error).message) }
  }
  try {
    const s = fstatSync(fd)
    if (s.isDirectory()) return { why: "is a directory, not a TOML file" }
    if (!s.isFile()) return { why: "not a regular file (a device, FIFO or socket); a config must be a TOML file" }
    if (s.size > maxConfigBytes) return { why: `file is ${(s.size / 1048576).toFixed(1)} MB; a config may be at most ${maxConfigBytes / 1048576} MB` }
    const buf = Buffer.alloc(maxConfigBytes + 1)
    let length = 0
    for (let n = -1; n !== 0 && length < buf.length; length += n) n = readSync(fd, buf, length, buf.length - length, null)
    if (length > maxConfigBytes) return { why: `file is larger than ${maxConfigBytes / 1048576} MB, the most a config may be` }
    return { text: buf.toString("utf8", 0, length) }
  } finally {
    closeSync(fd)
  }
}

/** Read and parse one TOML file; syntax errors carry 1-based line and column. */
export const parseTomlFile = (abs: string, shownAs: string): ParseResult => {
  const { text, why } = readConfigText(abs)
  if (text === undefined) return { ok: false, issues: [{ file: shownAs, path: "", message: `cannot read config: ${why}` }] }
  try {
    const data = plain(TOML.parse(text)) as Table
    const bad = unrepresentableValues(data)
    if (bad.length > 0) return { ok: false, issues: bad.map((i) => ({ ...i, file: shownAs })) }
    return { ok: true, data }
  } catch (e) {
    const err = e as { line?: number; col?: number; message?: string }
    return {
      ok: false,
      issues: [{ file: shownAs, path: "", line: (err.line ?? 0) + 1, col: (err.col ?? 0) + 1, message: `TOML syntax error: ${tomlMessage(String(err.message))}` }]
    }
  }
}

/**
 * Deep merge of a base config under an override: tables merge key by key, anything
 * else (numbers, strings, arrays) is replaced. A stage table whose `uses` changes is
 * replaced whole (the base's params belong to another kind), `from` is replaced whole,
 * and `plugins` lists are joined (a base's custom stages stay available). A stage set to
 * `false` (`[stages]` `dry = false`) is removed: an extending config drops a base's stage
 * that it no longer uses, so it is neither scheduled nor run.
 */
export const mergeConfig = (base: Table, over: Table): Table => {
  const out: Table = { ...base }
  for (const [key, value] of Object.entries(over)) {
    if (key === "plugins" && Array.isArray(value) && Array.isArray(base[key])) {
      out[key] = [...new Set([...(base[key] as unknown[]), ...value])]
    } else if (key === "stages" && isTable(value) && isTable(base[key])) {
      const stages: Table = { ...(base[key] as Table) }
      for (const [id, table] of Object.entries(value)) {
        const prev = stages[id]
        if (table === false) delete stages[id]
        else if (isTable(table) && isTable(prev) && (table["uses"] === undefined || table["uses"] === prev["uses"])) {
          const { from, ...rest } = table
          stages[id] = { ...deepMerge(prev, rest), ...(from !== undefined ? { from } : {}) }
        } else stages[id] = table
      }
      out[key] = stages
    } else out[key] = isTable(value) && isTable(base[key]) ? deepMerge(base[key] as Table, value) : value
  }
  return out
}

const deepMerge = (base: Table, over: Table): Table => {
  const out: Table = { ...base }
  for (const [key, value] of Object.entries(over)) {
    out[key] = isTable(value) && isTable(base[key]) ? deepMerge(base[key] as Table, value) : value
  }
  return out
}

export type ReadResult =
  | {
      readonly ok: true
      readonly data: Table
      readonly files: ReadonlyArray<string>
      /** Absolute paths of the plugins the top file lists itself (not through `extends`). */
      readonly ownPlugins: ReadonlyArray<string>
      /** For each plugin listed by a base file: the first base file (as shown) listing it. */
      readonly basePlugins: ReadonlyMap<string, string>
    }
  | { readonly ok: false; readonly issues: ConfigIssue[] }

/**
 * Read a config and its `extends` chain (each path relative to the file naming it),
 * merged base-first. `plugins` entries become absolute paths here, since each is
 * relative to the file that lists it. Cycles are reported naming the whole chain.
 */
export const readConfig = (file: string): ReadResult => {
  const top = resolve(file)
  const visit = (abs: string, chain: ReadonlyArray<string>): ReadResult => {
    const shownAs = chain.length === 0 ? file : displayPath(abs)
    const parsed = parseTomlFile(abs, shownAs)
    if (!parsed.ok) return parsed
    const data = parsed.data
    const dir = dirname(abs)
    if (Array.isArray(data["plugins"])) {
      data["plugins"] = data["plugins"].map((p) => (typeof p === "string" && p !== "" ? resolve(dir, p) : p))
    }
    const ext = data["extends"]
    delete data["extends"]
    const listed = Array.isArray(data["plugins"]) ? data["plugins"].filter((p): p is string => typeof p === "string") : []
    const own = (basePlugins: ReadonlyMap<string, string>): ReadResult => {
      const mine = new Map(basePlugins)
      // as seen by the file below: everything this (base) file and its own bases list
      if (chain.length > 0) for (const p of listed) if (!mine.has(p)) mine.set(p, shownAs)
      return { ok: true, data, files: [abs], ownPlugins: chain.length === 0 ? listed : [], basePlugins: mine }
    }
    if (ext === undefined) return own(new Map())
    if (typeof ext !== "string" || ext === "") {
      return { ok: false, issues: [{ file: shownAs, path: "extends", message: `must be a path to a TOML file (got ${JSON.stringify(ext)})` }] }
    }
    const baseAbs = resolve(dir, ext)
    const here = [...chain, abs]
    if (here.includes(baseAbs)) {
      const names = [...here.slice(here.indexOf(baseAbs)), baseAbs].map(displayPath)
      return { ok: false, issues: [{ file: shownAs, path: "extends", message: `extends cycle: ${names.join(" -> ")}` }] }
    }
    if (!existsSync(baseAbs)) {
      return { ok: false, issues: [{ file: shownAs, path: "extends", message: `file not found: ${displayPath(baseAbs)}` }] }
    }
    const base = visit(baseAbs, here)
    if (!base.ok) return base
    const self = own(base.basePlugins) as Extract<ReadResult, { ok: true }>
    return { ...self, data: mergeConfig(base.data, data), files: [...base.files, abs] }
  }
  return visit(top, [])
}

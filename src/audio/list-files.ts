import { readdirSync, realpathSync, statSync } from "node:fs"
import { join } from "node:path"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Glob → RegExp over '/'-separated relative paths: `*` (within a name), `**` (any depth,
 * including none), `?`, `[abc]`, `{a,b}`. Matching ignores case, so `*.wav` finds `.WAV`.
 */
export const globToRegExp = (glob: string): RegExp => {
  let re = ""
  let braces = 0
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // "**/" matches zero or more directories; a bare "**" anything
        if (glob[i + 2] === "/") {
          re += "(?:.*/)?"
          i += 2
        } else {
          re += ".*"
          i += 1
        }
      } else re += "[^/]*"
    } else if (c === "?") re += "[^/]"
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1)
      if (end < 0) re += "\\["
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, "\\\\")
        re += "[" + (body.startsWith("!") ? "^" + body.slice(1) : body) + "]"
        i = end
      }
    } else if (c === "{") {
      braces++
      re += "(?:"
    } else if (c === "}" && braces > 0) {
      braces--
      re += ")"
    } else if (c === "," && braces > 0) re += "|"
    else re += c.replace(/[.+^$()|\\]/g, "\\$&")
  }
  if (braces > 0) throw new ParameterError({ parameter: "glob", message: `glob "${glob}" has an unclosed "{"` })
  return new RegExp(`^${re}$`, "i")
}

/** A link whose target is a folder; false for a dangling link or a loop (ENOENT, ELOOP). */
const isLinkToFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

export interface ListFilesOptions {
  /** Matched against the path relative to the root when it contains '/', else against the file name. */
  readonly glob: string
  readonly recursive: boolean
}

/**
 * Files under `root` matching the glob, as '/'-separated paths relative to root, sorted
 * by code point (not locale) so the order is the same on every machine. Hidden entries
 * (names starting with '.') are skipped.
 */
export const listFiles = (root: string, options: ListFilesOptions): string[] => {
  const re = globToRegExp(options.glob)
  const byPath = options.glob.includes("/")
  const found: string[] = []
  const visited = new Set<string>() // real paths of folders walked: a link back up is not walked again
  const walk = (dir: string, rel: string): void => {
    const real = realpathSync(dir)
    if (visited.has(real)) return
    visited.add(real)
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue
      const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`
      const full = join(dir, entry.name)
      // a dangling link or a link loop has no target to stat: it is listed as a file, so the
      // reader reports it by name (and on_bad_file = "skip" skips it)
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isLinkToFolder(full))
      if (isDir) {
        if (options.recursive) walk(full, relPath)
      } else if (re.test(byPath ? relPath : entry.name)) found.push(relPath)
    }
  }
  walk(root, "")
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

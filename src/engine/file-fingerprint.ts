import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { readdir, readFile, stat } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { writeFileAtomic } from "./atomic-write.js"
import { sha256Hex } from "./hash.js"
import type { Store } from "./store.js"

const hashFile = (path: string): Promise<string> =>
  new Promise((res, rej) => {
    const h = createHash("sha256")
    createReadStream(path)
      .on("data", (d) => h.update(d))
      .on("error", rej)
      .on("end", () => res(h.digest("hex")))
  })

interface Memo {
  readonly size: number
  readonly mtimeMs: number
  readonly ino: number
  readonly sha256: string
}

/**
 * Content hash of one file, memoised in the store by (size, mtime, inode) as DVC does, so
 * an unchanged dataset costs a stat per file per run, not a read. The key uses the
 * content hash only, never the time.
 */
const fileSha = async (store: Store, path: string): Promise<string> => {
  const s = await stat(path)
  const memoPath = join(store.root, "filehash", `${sha256Hex(path)}.json`)
  const memo = await readFile(memoPath, "utf8").then((t) => JSON.parse(t) as Memo).catch(() => undefined)
  if (memo !== undefined && memo.size === s.size && memo.mtimeMs === s.mtimeMs && memo.ino === s.ino) return memo.sha256
  const sha256 = await hashFile(path)
  await writeFileAtomic(memoPath, JSON.stringify({ size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, sha256 } satisfies Memo), store.tmpDir)
  return sha256
}

const walk = async (dir: string): Promise<string[]> => {
  const out: string[] = []
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith(".")) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await walk(path)))
    else if (entry.isFile()) out.push(path)
  }
  return out
}

/**
 * The content of the files and folders a stage reads from outside the store, as
 * { path relative to the config folder: sha256 }. A path that cannot be read maps to
 * "missing": the stage itself then reports the problem when it runs.
 */
export const fingerprintPaths = async (store: Store, configDir: string, paths: ReadonlyArray<string>): Promise<Record<string, string>> => {
  const out: Record<string, string> = {}
  for (const p of paths) {
    const abs = resolve(configDir, p)
    const s = await stat(abs).catch(() => undefined)
    if (s === undefined) out[p] = "missing"
    else if (s.isDirectory()) for (const f of await walk(abs)) out[relative(configDir, f)] = await fileSha(store, f)
    else out[relative(configDir, abs)] = await fileSha(store, abs)
  }
  return out
}

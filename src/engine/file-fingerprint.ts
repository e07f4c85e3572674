import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { lstat, readdir, readFile, readlink, realpath, stat } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { writeFileAtomic } from "./atomic-write.js"
import { sha256Hex } from "./hash.js"
import { sealJson, unsealJson } from "./sealed-json.js"
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
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
  readonly ino: number
  readonly dev: number
  readonly sha256: string
}

/**
 * Content hash of one file, memoised in the store by (size, mtime, inode, device) as DVC
 * does, so an unchanged dataset costs a stat per file per run, not a read. The key uses the
 * content hash only, never the time. `path` may be a symbolic link: stat follows it, so the
 * memo describes the target and an edit of the target is seen. The memo is sealed (a
 * corrupted one is ignored and rewritten) and names its path (a memo of another file is never used).
 */
const fileSha = async (store: Store, path: string): Promise<string> => {
  const s = await stat(path)
  const memoPath = join(store.root, "filehash", `${sha256Hex(path)}.json`)
  const text = await readFile(memoPath, "utf8").catch(() => undefined)
  const memo = text === undefined ? undefined : unsealJson<Memo>(text)
  if (memo !== undefined && "value" in memo) {
    const m = memo.value
    if (m.path === path && m.size === s.size && m.mtimeMs === s.mtimeMs && m.ino === s.ino && m.dev === s.dev) return m.sha256
  }
  const sha256 = await hashFile(path)
  await writeFileAtomic(memoPath, sealJson({ path, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, dev: s.dev, sha256 } satisfies Memo), store.tmpDir)
  return sha256
}

/** What the walk found: files to hash (as shown → path to read) and links it could not follow. */
interface Found {
  readonly files: Array<{ readonly shown: string; readonly path: string }>
  readonly problems: Record<string, string>
}

/**
 * Every file under `dir`, in name order, following symbolic links to files and folders (a
 * linked file or folder is read by the stages, so its content belongs in the key). A link
 * whose target is missing, or a folder link back into its own ancestry (a loop), is
 * recorded by name instead of being followed.
 */
const walk = async (dir: string, shownDir: string, ancestors: ReadonlySet<string>, found: Found): Promise<void> => {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue
    const path = join(dir, entry.name)
    const shown = join(shownDir, entry.name)
    const link = entry.isSymbolicLink()
    const target = link ? await stat(path).catch((e: NodeJS.ErrnoException) => e) : undefined
    if (target instanceof Error) {
      const to = await readlink(path).catch(() => "?")
      found.problems[shown] = target.code === "ELOOP" ? `symbolic link loop (-> ${to})` : `dangling symbolic link (-> ${to})`
      continue
    }
    if (target?.isDirectory() ?? entry.isDirectory()) {
      // a folder already open above this one (reached again through a link) is a loop
      const real = await realpath(path)
      if (ancestors.has(real)) {
        found.problems[shown] = `symbolic link loop (${link ? `-> ${await readlink(path)}, ` : ""}a folder containing it)`
        continue
      }
      await walk(path, shown, new Set([...ancestors, real]), found)
    } else if (target?.isFile() ?? entry.isFile()) found.files.push({ shown, path })
  }
}

/** Content fingerprint of a stage's external inputs. */
export interface Fingerprint {
  /** { path relative to the config folder: sha256, or "missing", or the link problem }. */
  readonly files: Record<string, string>
  /** One line per path that could not be read by content: dangling links and link loops, by name. */
  readonly problems: ReadonlyArray<string>
}

/**
 * The content of the files and folders a stage reads from outside the store, as
 * { path relative to the config folder: sha256 }. Symbolic links (to files or folders) are
 * followed and keyed by their target's content. A path that cannot be read maps to
 * "missing", a dangling link or a loop to its problem: the stage itself then reports or
 * skips it when it runs, and `problems` names each so the engine can warn.
 */
export const fingerprintPaths = async (store: Store, configDir: string, paths: ReadonlyArray<string>): Promise<Fingerprint> => {
  const out: Record<string, string> = {}
  const problems: string[] = []
  for (const p of paths) {
    const abs = resolve(configDir, p)
    const shownRoot = relative(configDir, abs)
    const s = await stat(abs).catch(() => undefined)
    if (s === undefined) {
      const link = await lstat(abs).catch(() => undefined)
      if (link?.isSymbolicLink()) {
        const problem = `dangling symbolic link (-> ${await readlink(abs).catch(() => "?")})`
        out[p] = problem
        problems.push(`${shownRoot}: ${problem}`)
      } else out[p] = "missing"
    } else if (s.isDirectory()) {
      const found: Found = { files: [], problems: {} }
      await walk(abs, shownRoot, new Set([await realpath(abs)]), found)
      for (const f of found.files) out[f.shown] = await fileSha(store, f.path)
      for (const [shown, problem] of Object.entries(found.problems)) {
        out[shown] = problem
        problems.push(`${shown}: ${problem}`)
      }
    } else out[shownRoot] = await fileSha(store, abs)
  }
  return { files: out, problems }
}

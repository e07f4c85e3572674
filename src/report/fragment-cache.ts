import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { writeFileAtomic } from "../engine/atomic-write.js"

/**
 * Rendered report fragments kept in the store, keyed by what they were rendered from (a
 * node's key and artifact hash, or a sweep's data). A cached rerun's artifacts are the same
 * bytes, so its report reuses every fragment and never loads vega or decodes audio: the page
 * costs a few file reads.
 *
 * Files: `<store>/reports/<sha256 of the key>.html`. Bump REPORT_VERSION when the rendering
 * changes, so old fragments are not reused.
 */

/** Part of every fragment key: bump when what a fragment renders changes. */
export const REPORT_VERSION = 1

/** Fragments by key under one folder; without a folder every call renders. */
export interface FragmentCache {
  readonly get: (key: unknown, render: () => Promise<string>) => Promise<string>
}

/**
 * A hash of the report code itself (this folder's modules), so a changed renderer never
 * serves fragments of the old one, even when nobody bumped REPORT_VERSION.
 */
const codeHash = (() => {
  let hash: string | undefined
  return (): string => {
    if (hash !== undefined) return hash
    const dir = dirname(fileURLToPath(import.meta.url))
    const h = createHash("sha256")
    for (const f of readdirSync(dir).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith(".d.ts")).sort()) h.update(f).update(readFileSync(join(dir, f)))
    return (hash = h.digest("hex"))
  }
})()

const keyHash = (key: unknown): string => createHash("sha256").update(JSON.stringify({ version: REPORT_VERSION, code: codeHash(), key })).digest("hex")

/**
 * A fragment cache in `<storeDir>/reports`, or a pass-through when `storeDir` is undefined or
 * missing (a run folder copied away from its store still gets a report).
 */
export const fragmentCache = (storeDir: string | undefined): FragmentCache => {
  if (storeDir === undefined || !existsSync(storeDir)) return { get: (_key, render) => render() }
  const dir = join(storeDir, "reports")
  return {
    get: async (key, render) => {
      const path = join(dir, `${keyHash(key)}.html`)
      try {
        return readFileSync(path, "utf8")
      } catch {
        const html = await render()
        // a full store or a read-only one costs the cache, not the report
        await writeFileAtomic(path, html).catch(() => undefined)
        return html
      }
    }
  }
}

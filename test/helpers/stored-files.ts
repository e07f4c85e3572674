import { readFileSync } from "node:fs"
import { join } from "node:path"

/** One stored file of a node, as its store entry lists it. */
export interface StoredFile {
  readonly name: string
  readonly sha256: string
  readonly size: number
}

/**
 * The stored files of node `id` of a recorded run: the manifest gives the node's key and the
 * store, and the store's entry (`<store>/nodes/<key>.json`) lists the files (the manifest only
 * counts them).
 */
export const storedFiles = (runDir: string, id: string): StoredFile[] => {
  const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as { store: string; nodes: Array<{ id: string; key: string }> }
  const node = manifest.nodes.find((n) => n.id === id)
  if (node === undefined) throw new Error(`${runDir}: no node ${id}`)
  return (JSON.parse(readFileSync(join(manifest.store, "nodes", `${node.key}.json`), "utf8")) as { files: StoredFile[] }).files
}

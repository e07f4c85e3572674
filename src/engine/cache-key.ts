import { canonicalHash } from "./hash.js"

/**
 * Everything a node's output depends on, and nothing else: not file times, not the run's
 * time, not the config path. Two nodes with equal key material produce equal outputs.
 */
export interface KeyMaterial {
  readonly uses: string
  readonly version: number
  readonly params: unknown
  /** port → hash of the artifact connected to it */
  readonly inputs: Readonly<Record<string, string>>
  readonly seed: number
  /** Content hashes of files read from outside the store (only for stages that read any). */
  readonly external?: Readonly<Record<string, string>>
}

export const nodeKey = (material: KeyMaterial): string => canonicalHash(material)

/** An artifact's identity: its kind and the sha256 of every file, by name. */
export const artifactHash = (kind: string, files: ReadonlyArray<{ readonly name: string; readonly sha256: string }>): string =>
  canonicalHash({ kind, files: Object.fromEntries(files.map((f) => [f.name, f.sha256])) })

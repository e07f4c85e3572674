import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { makeLazyArtifact, type Artifact, type FileSource } from "../../engine/artifact.js"

/**
 * Builds an artifact file by file on disk, so a stage that writes thousands of clips holds
 * one at a time: each `put` writes the bytes to the stage's scratch folder (removed by the
 * engine once the artifact is stored) and keeps only the name. The artifact from `finish`
 * reads them back when the store asks. The bytes are exactly those put, so the stored
 * objects and every cache key are the same as for an artifact built in memory.
 */
export class ScratchArtifactWriter {
  private readonly dir: string
  private readonly files = new Map<string, FileSource>()
  private count = 0

  /** `scratchDir`: the stage's `ctx.scratchDir`; a private sub-folder is made in it. */
  constructor(
    private readonly kind: string,
    scratchDir: string
  ) {
    this.dir = join(scratchDir, `artifact-${kind}-${process.hrtime.bigint().toString(36)}`)
    mkdirSync(this.dir, { recursive: true })
  }

  /** Write one file of the artifact (a later put of the same name replaces it, as in a Map). */
  put(name: string, bytes: Uint8Array): void {
    const path = join(this.dir, `${this.count++}.bin`) // numbered: artifact names may hold "/" and odd characters
    writeFileSync(path, bytes)
    this.files.set(name, () => {
      const b = readFileSync(path)
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    })
  }

  /** Keep a small file (metadata) in memory. */
  putInMemory(name: string, bytes: Uint8Array): void {
    this.files.set(name, bytes)
  }

  /** The artifact: valid until the scratch folder is removed (after the engine stores it). */
  finish(): Artifact {
    return makeLazyArtifact(this.kind, this.files)
  }
}

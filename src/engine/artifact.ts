/**
 * What a stage produces, as the engine sees it: a kind name and a set of named files.
 * The engine stores each file as a content-addressed object; it never looks inside.
 * File names are relative paths ("meta.json", "clips/0001.wav") and must be open
 * formats (WAV, NPY, JSON, tfjs model files) so a user can open them with common tools.
 */
export interface Artifact {
  readonly kind: string
  readonly files: ReadonlyMap<string, Uint8Array>
}

export const makeArtifact = (kind: string, files: Iterable<readonly [string, Uint8Array]>): Artifact => ({
  kind,
  files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
})

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** JSON as stored: 2-space indented, trailing newline, so files diff well. */
export const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value, null, 2) + "\n")

export const readJsonFile = <T = unknown>(artifact: Artifact, name: string): T => {
  const bytes = artifact.files.get(name)
  if (bytes === undefined) throw new Error(`artifact of kind ${artifact.kind} has no file ${name}`)
  return JSON.parse(decoder.decode(bytes)) as T
}

/**
 * One file of an artifact: its bytes, or a function that reads them when asked (from a
 * store object or a stage's scratch folder). A reader is called on every access and its
 * result is not kept, so an artifact of any size holds only its file names in memory.
 */
export type FileSource = Uint8Array | (() => Uint8Array)

/**
 * The files of an artifact, read on demand: a ReadonlyMap whose `get` and iteration call
 * each file's reader only then. Iterating visits the files in name order; code that walks
 * every file (hashing, storing) holds one file's bytes at a time.
 */
export class LazyFiles implements ReadonlyMap<string, Uint8Array> {
  private readonly sources: ReadonlyMap<string, FileSource>

  constructor(sources: Iterable<readonly [string, FileSource]>) {
    this.sources = new Map([...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }

  get size(): number {
    return this.sources.size
  }

  has(name: string): boolean {
    return this.sources.has(name)
  }

  get(name: string): Uint8Array | undefined {
    const source = this.sources.get(name)
    return source === undefined ? undefined : typeof source === "function" ? source() : source
  }

  keys(): MapIterator<string> {
    return this.sources.keys()
  }

  *entries(): MapIterator<[string, Uint8Array]> {
    for (const name of this.sources.keys()) yield [name, this.get(name)!]
  }

  *values(): MapIterator<Uint8Array> {
    for (const name of this.sources.keys()) yield this.get(name)!
  }

  [Symbol.iterator](): MapIterator<[string, Uint8Array]> {
    return this.entries()
  }

  forEach(callback: (value: Uint8Array, key: string, map: ReadonlyMap<string, Uint8Array>) => void): void {
    for (const [name, bytes] of this.entries()) callback(bytes, name, this)
  }
}

/** An artifact whose files are read only when a consumer asks for them (see LazyFiles). */
export const makeLazyArtifact = (kind: string, files: Iterable<readonly [string, FileSource]>): Artifact => ({
  kind,
  files: new LazyFiles(files)
})

import { mapLimit } from "./map-limit.js"
import { parseEntry, type EntryRead, type NodeEntry, type Store, type StoredObject } from "./store.js"

/**
 * A store that several machines share (S3-compatible object storage), with the folder
 * store's layout: `objects/<aa>/<sha256>` for bytes, `nodes/<key>.json` for entries (written
 * last), plus small JSON documents for leases, locks and run references. Each machine works
 * on a local folder `Store` in front of it (the read-through cache): entries and objects
 * are pulled from here into that folder, verified by sha256, and pushed back after a node
 * is computed.
 */
export interface SharedStore {
  /** The URL it was opened with, for messages and run records: "s3://bucket/prefix". */
  readonly url: string
  /** Fail with a clear message, within a few seconds, when the store cannot be reached. */
  readonly check: () => Promise<void>
  readonly readEntryText: (key: string) => Promise<string | undefined>
  readonly writeEntryText: (key: string, text: string) => Promise<void>
  readonly hasEntry: (key: string) => Promise<boolean>
  readonly deleteEntry: (key: string) => Promise<void>
  /** Every entry: key → last modified (ms since the epoch). */
  readonly listEntries: () => Promise<Map<string, number>>
  /** Presence check (a HEAD request): true when the object exists with this size. */
  readonly hasObject: (object: StoredObject) => Promise<boolean>
  readonly readObject: (sha: string) => Promise<Uint8Array | undefined>
  /** Upload an object (multipart for large ones). */
  readonly writeObject: (sha: string, bytes: Uint8Array) => Promise<void>
  readonly deleteObject: (sha: string) => Promise<void>
  /** Every object: sha256 → size (bytes) and last modified (ms since the epoch). */
  readonly listObjects: () => Promise<Map<string, { readonly size: number; readonly mtimeMs: number }>>
  /** Small JSON documents under a folder ("leases", "locks", "refs/<host>"): name → text. */
  readonly readDoc: (path: string) => Promise<string | undefined>
  readonly writeDoc: (path: string, text: string) => Promise<void>
  readonly deleteDoc: (path: string) => Promise<void>
  /** Paths (relative to the store) of the documents under `folder`, recursively. */
  readonly listDocs: (folder: string) => Promise<string[]>
  /** Close its connections, so the process can exit at once. */
  readonly close: () => void
}

/** The entry of `key` in the shared store: undefined when there is none, or why it cannot be trusted. */
export const readSharedEntry = async (shared: SharedStore, key: string): Promise<EntryRead | undefined> => {
  const text = await shared.readEntryText(key)
  return text === undefined ? undefined : parseEntry(text, key)
}

const objectsOf = (entry: NodeEntry): StoredObject[] => (entry.report === undefined ? [...entry.files] : [...entry.files, entry.report])

/**
 * Copy an entry's objects that the local folder lacks from the shared store, each checked
 * against its sha256 before it is kept, then write the entry locally (last). Returns the
 * problems met (a missing or corrupt object): then no local entry is written.
 */
export const pullEntry = async (shared: SharedStore, local: Store, entry: NodeEntry): Promise<string[]> => {
  const problems: string[] = []
  await mapLimit(
    objectsOf(entry).filter((o) => !local.hasObject(o)),
    8,
    async (object) => {
      const bytes = await shared.readObject(object.sha256)
      const problem = bytes === undefined ? "missing" : await local.importObject(object, bytes)
      if (problem !== undefined) problems.push(`${object.name} (${object.sha256.slice(0, 12)}): ${problem}`)
    }
  )
  if (problems.length === 0) await local.writeEntry(entry)
  return problems
}

/**
 * Copy a locally stored entry to the shared store: every object the shared store lacks
 * (checked with a HEAD request), then the entry, last, so a reader never finds an entry
 * whose objects are not all there yet.
 */
export const pushEntry = async (shared: SharedStore, local: Store, entry: NodeEntry): Promise<void> => {
  await mapLimit(objectsOf(entry), 8, async (object) => {
    if (await shared.hasObject(object)) return
    const { bytes, problem } = await local.readObject(object)
    if (bytes === undefined) throw new Error(`cannot upload ${object.name} (${object.sha256.slice(0, 12)}) of node ${entry.stage}: local copy ${problem}`)
    await shared.writeObject(object.sha256, bytes)
  })
  await shared.writeEntryText(entry.key, JSON.stringify(entry, null, 2) + "\n")
}

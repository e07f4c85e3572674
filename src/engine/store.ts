import { readFileSync, statSync } from "node:fs"
import { chmod, mkdir, readFile, readdir, rm, stat } from "node:fs/promises"
import { join, sep } from "node:path"
import { writeFileAtomic } from "./atomic-write.js"
import { mapLimit } from "./map-limit.js"
import { artifactHash } from "./cache-key.js"
import { sha256Hex } from "./hash.js"
import { makeArtifact, makeLazyArtifact, type Artifact } from "./artifact.js"
import { sealJson, unsealJson } from "./sealed-json.js"

export interface StoredObject {
  readonly name: string
  readonly sha256: string
  readonly size: number
}

/** `nodes/<key>.json`: the index entry of one computed node. Written last, atomically. */
export interface NodeEntry {
  readonly key: string
  readonly stage: string
  readonly uses: string
  readonly kind: string
  readonly artifact: string
  readonly files: ReadonlyArray<StoredObject>
  /** The stage's report (ctx.report), kept so a cache hit reproduces it. */
  readonly report?: StoredObject
}

/** A stored object whose bytes no longer match the checksum in the entry. */
export interface Mismatch {
  readonly object: string
  readonly sha256: string
  readonly problem: string
}

/** What reading an entry gave: the entry, or why the file cannot be trusted (undefined: no entry). */
export type EntryRead = { readonly entry: NodeEntry } | { readonly problem: string }

/** What loading a checkpoint gave: its files and label ("epoch 2"), or why it was dropped (undefined: none). */
export type CheckpointRead = { readonly files: ReadonlyMap<string, Uint8Array>; readonly label: string } | { readonly problem: string }

const SHA256 = /^[0-9a-f]{64}$/

/**
 * Why a stored file name is not a plain relative name ("a.wav", "clips/0001.wav"), or
 * undefined when it is one. Entries name the files a run folder links, so "../x", "/etc/x"
 * or "a\\b" must never reach `join(runDir, name)`.
 */
export const unsafeFileName = (name: unknown): string | undefined => {
  if (typeof name !== "string" || name === "") return "empty or not a string"
  if (name.includes("\0")) return "contains a NUL byte"
  if (name.includes("\\")) return "contains a backslash"
  if (name.startsWith("/")) return "is absolute"
  if (name.split("/").some((part) => part === "" || part === "." || part === "..")) return 'has an empty, "." or ".." segment'
  return undefined
}

/** Why a stored-object record is malformed, or undefined. */
const badObject = (o: unknown, where: string): string | undefined => {
  if (o === null || typeof o !== "object") return `${where} is not an object record`
  const { name, sha256, size } = o as Record<string, unknown>
  const unsafe = unsafeFileName(name)
  if (unsafe !== undefined) return `${where} file name ${JSON.stringify(name)} ${unsafe}`
  if (typeof sha256 !== "string" || !SHA256.test(sha256)) return `${where} (${String(name)}) has no valid sha256`
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return `${where} (${String(name)}) has no valid size`
  return undefined
}

/** Why a parsed entry is not one we can use for `key`, or undefined. */
const badEntry = (e: unknown, key: string): string | undefined => {
  if (e === null || typeof e !== "object") return "not a JSON object"
  const entry = e as Record<string, unknown>
  if (entry["key"] !== key) return `its key ${JSON.stringify(entry["key"])} is not its file name`
  for (const field of ["stage", "uses", "kind", "artifact"]) if (typeof entry[field] !== "string") return `no "${field}"`
  if (!Array.isArray(entry["files"])) return 'no "files" list'
  for (const [i, o] of (entry["files"] as unknown[]).entries()) {
    const bad = badObject(o, `files[${i}]`)
    if (bad !== undefined) return bad
  }
  const names = (entry["files"] as Array<{ name: string }>).map((f) => f.name)
  if (new Set(names).size !== names.length) return "a file name is listed twice"
  if (entry["report"] !== undefined) return badObject(entry["report"], "report")
  return undefined
}

/**
 * Parse the text of `nodes/<key>.json`: the entry, or why it cannot be trusted (not JSON, a
 * different key, unsafe file names, bad checksums). The folder store and the shared stores
 * read entries through this one check.
 */
export const parseEntry = (text: string, key: string): EntryRead => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    return { problem: `not valid JSON (${(e as Error).message})` }
  }
  const bad = badEntry(parsed, key)
  return bad !== undefined ? { problem: bad } : { entry: parsed as NodeEntry }
}

export const defaultStoreDir = (cwd = process.cwd()): string => process.env["AUDIOML_STORE"] ?? join(cwd, "runs", ".store")

/**
 * Content-addressed store: objects/<2 hex>/<62 hex> hold file bytes (identical outputs are
 * stored once), nodes/<key>.json index them. Safe for several processes at once: every
 * write is temp + fsync + rename, and two writers of the same object write the same bytes.
 */
export class Store {
  readonly objectsDir: string
  readonly nodesDir: string
  readonly tmpDir: string
  readonly checkpointsDir: string
  /** Per-node lock files (`<key>.lock`) and the gc lock (`gc.lock`). */
  readonly locksDir: string
  /** One lease file per run in progress; `cache gc` honours the live ones. */
  readonly leasesDir: string
  /** One file per runs folder that has used this store, so gc sees every project's run records. */
  readonly registryDir: string

  constructor(readonly root: string) {
    this.objectsDir = join(root, "objects")
    this.nodesDir = join(root, "nodes")
    this.tmpDir = join(root, "tmp")
    this.checkpointsDir = join(root, "checkpoints")
    this.locksDir = join(root, "locks")
    this.leasesDir = join(root, "leases")
    this.registryDir = join(root, "registry")
  }

  nodeLockPath(key: string): string {
    return join(this.locksDir, `${key}.lock`)
  }

  get gcLockPath(): string {
    return join(this.locksDir, "gc.lock")
  }

  objectPath(sha: string): string {
    // not path.join: objectsDir is already normalised, and a cached rerun builds thousands of these
    return `${this.objectsDir}${sep}${sha.slice(0, 2)}${sep}${sha.slice(2)}`
  }

  entryPath(key: string): string {
    return join(this.nodesDir, `${key}.json`)
  }

  async putObject(name: string, bytes: Uint8Array): Promise<StoredObject> {
    return (await this.writeObject(name, bytes)).object
  }

  /**
   * Store bytes as an object; `stamp` is the (size, mtime, inode) of a file written now from
   * bytes whose sha256 we just computed — known good, so a later hit need not re-hash it.
   * An object that already existed is not vouched for (it could be a corrupt one of the same size).
   */
  private async writeObject(name: string, bytes: Uint8Array): Promise<{ object: StoredObject; stamp?: string }> {
    const sha = sha256Hex(bytes)
    const path = this.objectPath(sha)
    const object = { name, sha256: sha, size: bytes.byteLength }
    const existing = await stat(path).catch(() => undefined)
    if (existing !== undefined && existing.size === bytes.byteLength) return { object }
    await writeFileAtomic(path, bytes, this.tmpDir)
    // read-only: run folders hard-link these files, and an edit there must not alter the cache
    await chmod(path, 0o444).catch(() => undefined)
    const s = await stat(path)
    return { object, stamp: `${s.size}:${s.mtimeMs}:${s.ino}` }
  }

  /** Store every file of an artifact, then its entry; returns the entry. */
  async putArtifact(key: string, stage: string, uses: string, artifact: Artifact, report?: unknown): Promise<NodeEntry> {
    const files: StoredObject[] = []
    const stamps: Record<string, string> = {}
    const put = async (name: string, bytes: Uint8Array) => {
      const { object, stamp } = await this.writeObject(name, bytes)
      if (stamp !== undefined) stamps[object.sha256] = stamp
      return object
    }
    for (const [name, bytes] of artifact.files) files.push(await put(name, bytes))
    const reportObject = report === undefined ? undefined : await put("report.json", new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"))
    const entry: NodeEntry = {
      key,
      stage,
      uses,
      kind: artifact.kind,
      artifact: artifactHash(artifact.kind, files),
      files,
      ...(reportObject !== undefined ? { report: reportObject } : {})
    }
    await writeFileAtomic(this.stampsPath(key), sealJson(stamps), this.tmpDir)
    await writeFileAtomic(this.entryPath(key), JSON.stringify(entry, null, 2) + "\n", this.tmpDir)
    return entry
  }

  /**
   * The entry of `key`: undefined when there is none; a problem when the file is not valid
   * JSON or not a well-formed entry (wrong key, unsafe file names, bad checksums): the caller
   * says so and recomputes, never treats it as simply "new".
   */
  async readEntry(key: string): Promise<EntryRead | undefined> {
    const text = await readFile(this.entryPath(key), "utf8").catch(() => undefined)
    return text === undefined ? undefined : parseEntry(text, key)
  }

  /**
   * Write an entry whose objects are already here (copied from a shared store), atomically:
   * the last step of importing a node, as putArtifact's entry is the last step of storing one.
   */
  async writeEntry(entry: NodeEntry): Promise<void> {
    await writeFileAtomic(this.entryPath(entry.key), JSON.stringify(entry, null, 2) + "\n", this.tmpDir)
  }

  /** True when the object's file is here with the recorded size (its bytes are checked when read). */
  hasObject(object: StoredObject): boolean {
    return statSync(this.objectPath(object.sha256), { throwIfNoEntry: false })?.size === object.size
  }

  /**
   * Add an object fetched from elsewhere, after checking its bytes against the record: the
   * read-through cache never keeps bytes whose sha256 differs. Returns why it was refused, or undefined.
   */
  async importObject(object: StoredObject, bytes: Uint8Array): Promise<string | undefined> {
    if (bytes.byteLength !== object.size) return `size ${bytes.byteLength}, expected ${object.size}`
    if (sha256Hex(bytes) !== object.sha256) return "checksum mismatch"
    await this.writeObject(object.name, bytes)
    return undefined
  }

  async dropEntry(key: string): Promise<void> {
    await rm(this.entryPath(key), { force: true })
    await rm(this.stampsPath(key), { force: true })
  }

  /**
   * Forget a corrupt entry and delete its bad objects, so that recomputing rewrites them
   * (an object is shared by every entry with identical bytes).
   */
  async dropCorrupt(key: string, mismatches: ReadonlyArray<Mismatch>): Promise<void> {
    await this.dropEntry(key)
    for (const m of mismatches) if (m.problem !== "missing") await this.removeObject(m.sha256)
  }

  async listEntries(): Promise<string[]> {
    const names = await readdir(this.nodesDir).catch(() => [] as string[])
    return names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)).sort()
  }

  /** Read and checksum one object. */
  async readObject(object: StoredObject): Promise<{ bytes?: Uint8Array; problem?: string }> {
    const bytes = await readFile(this.objectPath(object.sha256)).catch(() => undefined)
    if (bytes === undefined) return { problem: "missing" }
    if (bytes.byteLength !== object.size) return { problem: `size ${bytes.byteLength}, expected ${object.size}` }
    if (sha256Hex(bytes) !== object.sha256) return { problem: "checksum mismatch" }
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
  }

  /** Load an entry's artifact, verifying every object; mismatches are returned, not thrown. */
  async loadArtifact(entry: NodeEntry): Promise<{ artifact?: Artifact; mismatches: Mismatch[] }> {
    const files: Array<readonly [string, Uint8Array]> = []
    const mismatches: Mismatch[] = []
    for (const object of entry.files) {
      const { bytes, problem } = await this.readObject(object)
      if (problem !== undefined) mismatches.push({ object: `${object.name} (${object.sha256.slice(0, 12)})`, sha256: object.sha256, problem })
      else files.push([object.name, bytes!])
    }
    if (mismatches.length > 0) return { mismatches }
    return { artifact: makeArtifact(entry.kind, files), mismatches }
  }

  /**
   * An entry's artifact for a stage to read: every object is checked to exist with its
   * size now, and its bytes are read and checksummed only when the stage asks for that
   * file, so a stage holds one clip at a time rather than the whole dataset. A file whose
   * bytes no longer match its checksum throws, naming the object.
   */
  async openArtifact(entry: NodeEntry): Promise<{ artifact?: Artifact; mismatches: Mismatch[] }> {
    const mismatches: Mismatch[] = []
    // synchronous stats: one costs a few µs of CPU, an async one (thread pool + promise) ten times that
    for (const object of entry.files) {
      const s = statSync(this.objectPath(object.sha256), { throwIfNoEntry: false })
      const problem = s === undefined ? "missing" : s.size !== object.size ? `size ${s.size}, expected ${object.size}` : undefined
      if (problem !== undefined) mismatches.push({ object: `${object.name} (${object.sha256.slice(0, 12)})`, sha256: object.sha256, problem })
    }
    if (mismatches.length > 0) return { mismatches }
    const read = (object: StoredObject) => (): Uint8Array => {
      const bytes = readFileSync(this.objectPath(object.sha256))
      if (bytes.byteLength !== object.size || sha256Hex(bytes) !== object.sha256)
        throw new Error(`stored object ${object.name} (${object.sha256.slice(0, 12)}) changed on disk while running; run again`)
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    }
    return { artifact: makeLazyArtifact(entry.kind, entry.files.map((o) => [o.name, read(o)] as const)), mismatches }
  }

  private stampsPath(key: string): string {
    return join(this.root, "verified", `${key}.json`)
  }

  /**
   * Check a cache hit's objects without reading them when they are unchanged since they were
   * last verified: each object's (size, mtime, inode) is remembered per entry after its
   * sha256 checked out, as DVC does, so a rerun over a large dataset costs a stat per file.
   * An object edited in place (a flipped byte) has a new mtime and is hashed again;
   * `audioml cache verify` always hashes everything.
   */
  async verifyEntry(entry: NodeEntry): Promise<Mismatch[]> {
    // a stamps file that fails its seal only costs a re-hash of every object
    const text = await readFile(this.stampsPath(entry.key), "utf8").catch(() => undefined)
    const sealed = text === undefined ? undefined : unsealJson<Record<string, string>>(text)
    const remembered: Record<string, string> = sealed !== undefined && "value" in sealed ? sealed.value : {}
    const stamps: Record<string, string> = {}
    const mismatches: Mismatch[] = []
    const objects = entry.report === undefined ? entry.files : [...entry.files, entry.report]
    // The stats are synchronous (a few µs of CPU each against ten times that for an async one:
    // thousands per cached rerun); only the objects that must be hashed again are read, many at a time.
    const toHash: Array<{ object: StoredObject; stamp: string | undefined }> = []
    for (const object of objects) {
      const s = statSync(this.objectPath(object.sha256), { throwIfNoEntry: false })
      const stamp = s === undefined ? undefined : `${s.size}:${s.mtimeMs}:${s.ino}`
      if (stamp !== undefined && remembered[object.sha256] === stamp) stamps[object.sha256] = stamp
      else toHash.push({ object, stamp })
    }
    await mapLimit(toHash, 32, async ({ object, stamp }) => {
      const { problem } = await this.readObject(object)
      if (problem !== undefined) mismatches.push({ object: `${object.name} (${object.sha256.slice(0, 12)})`, sha256: object.sha256, problem })
      else if (stamp !== undefined) stamps[object.sha256] = stamp
    })
    const changed = Object.keys(stamps).length !== Object.keys(remembered).length || Object.entries(stamps).some(([k, v]) => remembered[k] !== v)
    if (mismatches.length === 0 && changed) await writeFileAtomic(this.stampsPath(entry.key), sealJson(stamps), this.tmpDir)
    return mismatches
  }

  async readReport(entry: NodeEntry): Promise<unknown> {
    if (entry.report === undefined) return undefined
    const { bytes } = await this.readObject(entry.report)
    return bytes === undefined ? undefined : JSON.parse(new TextDecoder().decode(bytes))
  }

  // --- checkpoints: durable per-node state for long stages, removed when the node completes

  private checkpointEntryPath(key: string): string {
    return join(this.checkpointsDir, `${key}.json`)
  }

  /**
   * Store a checkpoint of `key`'s stage: its files as objects, then a sealed record of them
   * with a label saying how far it got ("epoch 2"). Only the holder of the node's lock calls this.
   */
  async saveCheckpoint(key: string, files: ReadonlyMap<string, Uint8Array>, label: string): Promise<void> {
    const objects: StoredObject[] = []
    for (const [name, bytes] of files) objects.push(await this.putObject(name, bytes))
    await writeFileAtomic(this.checkpointEntryPath(key), sealJson({ label, objects }) + "\n", this.tmpDir)
  }

  /** The checkpoint record of `key`, or why it cannot be trusted (never throws). */
  private async readCheckpointRecord(key: string): Promise<{ label: string; objects: StoredObject[] } | { problem: string } | undefined> {
    const text = await readFile(this.checkpointEntryPath(key), "utf8").catch(() => undefined)
    if (text === undefined) return undefined
    const sealed = unsealJson<{ label: string; objects: StoredObject[] }>(text)
    if ("problem" in sealed) return { problem: `record ${sealed.problem}` }
    const { label, objects } = sealed.value
    if (typeof label !== "string" || !Array.isArray(objects)) return { problem: "record has no label or objects" }
    for (const [i, o] of objects.entries()) {
      const bad = badObject(o, `objects[${i}]`)
      if (bad !== undefined) return { problem: bad }
    }
    return { label, objects }
  }

  /**
   * The checkpoint of `key` with every object checksummed: undefined when there is none, a
   * problem (truncated record, missing or corrupt object) when it must be dropped.
   */
  async loadCheckpoint(key: string): Promise<CheckpointRead | undefined> {
    const record = await this.readCheckpointRecord(key)
    if (record === undefined || "problem" in record) return record
    const out = new Map<string, Uint8Array>()
    for (const object of record.objects) {
      const { bytes, problem } = await this.readObject(object)
      if (bytes === undefined) return { problem: `object ${object.name} (${object.sha256.slice(0, 12)}): ${problem}` }
      out.set(object.name, bytes)
    }
    return { files: out, label: record.label }
  }

  async dropCheckpoint(key: string): Promise<void> {
    await rm(this.checkpointEntryPath(key), { force: true })
  }

  async listCheckpoints(): Promise<string[]> {
    const names = await readdir(this.checkpointsDir).catch(() => [] as string[])
    return names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5))
  }

  /** The objects a checkpoint holds (for gc), or why its record is unreadable. */
  async readCheckpointObjects(key: string): Promise<{ objects: StoredObject[] } | { problem: string }> {
    const record = await this.readCheckpointRecord(key)
    if (record === undefined) return { objects: [] }
    return "problem" in record ? record : { objects: record.objects }
  }

  /** Every object file present: sha256 → size (bytes) and mtime (ms since the epoch). */
  async listObjects(): Promise<Map<string, { readonly size: number; readonly mtimeMs: number }>> {
    const out = new Map<string, { readonly size: number; readonly mtimeMs: number }>()
    const prefixes = await readdir(this.objectsDir).catch(() => [] as string[])
    for (const prefix of prefixes) {
      const rests = await readdir(join(this.objectsDir, prefix)).catch(() => [] as string[])
      for (const rest of rests) {
        const s = await stat(join(this.objectsDir, prefix, rest)).catch(() => undefined)
        if (s?.isFile()) out.set(prefix + rest, { size: s.size, mtimeMs: s.mtimeMs })
      }
    }
    return out
  }

  async removeObject(sha: string): Promise<void> {
    await rm(this.objectPath(sha), { force: true })
  }

  async ensure(): Promise<void> {
    await mkdir(this.nodesDir, { recursive: true })
    await mkdir(this.objectsDir, { recursive: true })
    await mkdir(this.tmpDir, { recursive: true })
  }
}

import { randomBytes } from "node:crypto"
import { existsSync } from "node:fs"
import { hostname } from "node:os"
import { sha256Hex } from "./hash.js"
import { describeOwner, leaseMs, parseOwner, staleReason, type LockOwner } from "./file-lock.js"
import { readSharedEntry, type SharedStore } from "./shared-store.js"

/**
 * Leases, the gc lock and run references on a shared store (S3), the same protocol as the
 * folder store's (engine/file-lock.ts, cache-maintenance.ts), in documents any machine can read:
 *
 * - `leases/<token>.json`: one per coordinator (`audioml run --store s3://...`) in progress,
 *   written before it reads anything, renewed every third of the lease (60 s, or
 *   AUDIOML_LOCK_LEASE_S) and deleted at the end. A crashed coordinator's lease runs out.
 * - `locks/gc.json`: held by a `cache gc` while it works. A coordinator writes its lease
 *   first and then waits while a live gc lock exists; gc writes its lock first and then
 *   removes nothing while any live lease exists. One of the two always sees the other.
 * - `refs/<host>/<sha256 of the run folder>.json`: the node keys a run record on `host`
 *   references, written when the run is recorded. gc keeps every entry some ref names; a
 *   host's gc drops its own refs whose run folder is gone (runs deleted there).
 * - Unreferenced entries and objects younger than the grace period (default one hour) stay:
 *   a worker may have uploaded objects whose entry it has not written yet.
 */
const newOwner = (purpose: string, lease: number): LockOwner => ({
  pid: process.pid,
  host: hostname(),
  process_started: new Date(Date.now() - process.uptime() * 1000).toISOString(),
  acquired: new Date().toISOString(),
  lease_until: Date.now() + lease,
  purpose,
  token: randomBytes(8).toString("hex")
})

/** A lease or lock held on a shared store; `release` is idempotent. */
export interface SharedHeld {
  readonly path: string
  readonly owner: LockOwner
  readonly release: () => Promise<void>
}

/** Write `path` with a new owner and renew it every third of the lease until released. */
const hold = async (shared: SharedStore, path: string, purpose: string): Promise<SharedHeld> => {
  const lease = leaseMs()
  let owner = newOwner(purpose, lease)
  await shared.writeDoc(path, JSON.stringify(owner))
  let released = false
  const timer = setInterval(() => {
    owner = { ...owner, lease_until: Date.now() + lease }
    shared.writeDoc(path, JSON.stringify(owner)).catch(() => undefined)
  }, lease / 3)
  timer.unref()
  return {
    path,
    get owner() {
      return owner
    },
    release: async () => {
      if (released) return
      released = true
      clearInterval(timer)
      await shared.deleteDoc(path).catch(() => undefined)
    }
  }
}

/** Take a run's lease on the shared store (see the protocol above). */
export const holdSharedLease = (shared: SharedStore, purpose: string): Promise<SharedHeld> =>
  hold(shared, `leases/${randomBytes(8).toString("hex")}.json`, purpose)

/** The live leases; stale ones (run out, or a dead pid on this host) are deleted unless `removeStale` is false. */
export const readSharedLeases = async (shared: SharedStore, removeStale = true): Promise<LockOwner[]> => {
  const live: LockOwner[] = []
  for (const path of await shared.listDocs("leases")) {
    const owner = parseOwner(await shared.readDoc(path))
    if (owner !== undefined && staleReason(owner) === undefined) live.push(owner)
    else if (removeStale) await shared.deleteDoc(path)
  }
  return live
}

const GC_LOCK = "locks/gc.json"

/** The live gc lock's owner, or undefined when no gc holds the store. */
const gcHolder = async (shared: SharedStore): Promise<LockOwner | undefined> => {
  const owner = parseOwner(await shared.readDoc(GC_LOCK))
  return owner !== undefined && staleReason(owner) === undefined ? owner : undefined
}

/** Wait (polling every second) while a live gc lock is on the shared store. */
export const waitWhileSharedGc = async (shared: SharedStore, onWait: (holder: LockOwner) => void): Promise<void> => {
  let told = false
  for (;;) {
    const holder = await gcHolder(shared)
    if (holder === undefined) return
    if (!told) onWait(holder)
    told = true
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/** The gc lock, or the live holder that has it. */
export const tryLockSharedGc = async (shared: SharedStore): Promise<{ held: SharedHeld } | { holder: LockOwner }> => {
  const holder = await gcHolder(shared)
  if (holder !== undefined) return { holder }
  const held = await hold(shared, GC_LOCK, "cache gc")
  // two gcs that both saw no lock: the later write wins, the other backs off
  const now = parseOwner(await shared.readDoc(GC_LOCK))
  if (now?.token !== held.owner.token) {
    await held.release().catch(() => undefined)
    return { holder: now ?? held.owner }
  }
  return { held }
}

const refPath = (host: string, runDir: string): string => `refs/${host}/${sha256Hex(runDir)}.json`

/** A run reference: the keys a run record on `host` at `run_dir` names. */
export interface RunRef {
  readonly host: string
  readonly run_dir: string
  readonly keys: ReadonlyArray<string>
  readonly written: string
}

/** Record that the run folder `runDir` on this host references `keys` (written after the run record). */
export const writeRunRef = async (shared: SharedStore, runDir: string, keys: ReadonlyArray<string>): Promise<void> => {
  const ref: RunRef = { host: hostname(), run_dir: runDir, keys: [...keys], written: new Date().toISOString() }
  await shared.writeDoc(refPath(ref.host, runDir), JSON.stringify(ref, null, 2) + "\n")
}

/** What `collectSharedGarbage` did (or, with dryRun, would do). */
export interface SharedGcResult {
  readonly dryRun: boolean
  readonly store: string
  /** Refs of this host whose run folder is gone (dropped unless dry run). */
  readonly refsDropped: number
  readonly refsKept: number
  readonly entriesRemoved: number
  readonly objectsRemoved: number
  readonly bytesFreed: number
  readonly keptYoung: number
  readonly removed: ReadonlyArray<string>
}

/** gc did nothing: coordinators hold live leases, or another gc runs. */
export class SharedStoreBusy extends Error {
  constructor(readonly holders: ReadonlyArray<LockOwner>, what: string) {
    super(`${what}: ${holders.map(describeOwner).join("; ")}`)
  }
}

/**
 * Garbage-collect a shared store: take the gc lock, refuse while any coordinator's lease is
 * live, drop this host's refs whose run folder is gone, then remove entries no ref names and
 * objects no remaining entry uses, each only when older than `graceMs` (default one hour).
 */
export const collectSharedGarbage = async (shared: SharedStore, options: { readonly graceMs?: number; readonly dryRun?: boolean } = {}): Promise<SharedGcResult> => {
  const graceMs = options.graceMs ?? 3_600_000
  const dryRun = options.dryRun === true
  const attempt = await tryLockSharedGc(shared)
  if ("holder" in attempt) throw new SharedStoreBusy([attempt.holder], "another cache gc is running on this store")
  try {
    const live = await readSharedLeases(shared, !dryRun)
    if (live.length > 0) throw new SharedStoreBusy(live, `${live.length} run(s) in progress on this store; nothing removed`)
    const now = Date.now()
    const young = (mtimeMs: number) => now - mtimeMs < graceMs
    const removed: string[] = []
    const referenced = new Set<string>()
    let refsDropped = 0
    let refsKept = 0
    for (const path of await shared.listDocs("refs")) {
      let ref: RunRef | undefined
      try {
        ref = JSON.parse((await shared.readDoc(path)) ?? "") as RunRef
      } catch {
        ref = undefined
      }
      if (ref === undefined || !Array.isArray(ref.keys)) continue // torn: its host writes it again on its next run
      if (ref.host === hostname() && !existsSync(ref.run_dir)) {
        refsDropped++
        removed.push(`ref ${path} (run folder ${ref.run_dir} is gone)`)
        if (!dryRun) await shared.deleteDoc(path)
        continue
      }
      refsKept++
      for (const k of ref.keys) referenced.add(k)
    }
    let keptYoung = 0
    let entriesRemoved = 0
    const liveObjects = new Set<string>()
    for (const [key, mtimeMs] of await shared.listEntries()) {
      const read = await readSharedEntry(shared, key)
      const entry = read !== undefined && "entry" in read ? read.entry : undefined
      if (!referenced.has(key)) {
        if (young(mtimeMs)) keptYoung++
        else {
          removed.push(`entry ${key.slice(0, 12)} (${entry?.stage ?? "unreadable"})`)
          if (!dryRun) await shared.deleteEntry(key)
          entriesRemoved++
          continue
        }
      }
      for (const f of entry?.files ?? []) liveObjects.add(f.sha256)
      if (entry?.report !== undefined) liveObjects.add(entry.report.sha256)
    }
    let objectsRemoved = 0
    let bytesFreed = 0
    for (const [sha, { size, mtimeMs }] of await shared.listObjects()) {
      if (liveObjects.has(sha)) continue
      if (young(mtimeMs)) {
        keptYoung++
        continue
      }
      removed.push(`object ${sha.slice(0, 12)} (${size} bytes)`)
      if (!dryRun) await shared.deleteObject(sha)
      objectsRemoved++
      bytesFreed += size
    }
    return { dryRun, store: shared.url, refsDropped, refsKept, entriesRemoved, objectsRemoved, bytesFreed, keptYoung, removed }
  } finally {
    await attempt.held.release()
  }
}

/** What `verifySharedStore` checked, and the entries it dropped with why. */
export interface SharedVerifyResult {
  readonly checked: number
  readonly corrupt: ReadonlyArray<{ readonly key: string; readonly stage: string; readonly problems: ReadonlyArray<string> }>
}

/**
 * Download and checksum every object of every entry of a shared store; an entry with a
 * missing or corrupt object (or one that is not a valid entry) is deleted, with its corrupt
 * objects, so the next run recomputes it.
 */
export const verifySharedStore = async (shared: SharedStore): Promise<SharedVerifyResult> => {
  const corrupt: Array<{ key: string; stage: string; problems: string[] }> = []
  const keys = [...(await shared.listEntries()).keys()].sort()
  for (const key of keys) {
    const read = await readSharedEntry(shared, key)
    if (read === undefined) continue
    if ("problem" in read) {
      corrupt.push({ key, stage: "?", problems: [`entry unreadable: ${read.problem}`] })
      await shared.deleteEntry(key)
      continue
    }
    const { entry } = read
    const problems: string[] = []
    const bad: string[] = []
    for (const object of entry.report === undefined ? entry.files : [...entry.files, entry.report]) {
      const bytes = await shared.readObject(object.sha256)
      const problem =
        bytes === undefined
          ? "missing"
          : bytes.byteLength !== object.size
            ? `size ${bytes.byteLength}, expected ${object.size}`
            : sha256Hex(bytes) !== object.sha256
              ? "checksum mismatch"
              : undefined
      if (problem === undefined) continue
      problems.push(`${object.name} (${object.sha256.slice(0, 12)}): ${problem}`)
      if (bytes !== undefined) bad.push(object.sha256)
    }
    if (problems.length > 0) {
      corrupt.push({ key, stage: entry.stage, problems })
      await shared.deleteEntry(key)
      for (const sha of bad) await shared.deleteObject(sha)
    }
  }
  return { checked: keys.length, corrupt }
}

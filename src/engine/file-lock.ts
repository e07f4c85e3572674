import { randomBytes } from "node:crypto"
import { link, mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises"
import { hostname } from "node:os"
import { dirname, join } from "node:path"
import { writeFileAtomic } from "./atomic-write.js"

/**
 * Advisory locks and leases in the store, as plain files any process can read (no
 * flock: a store may sit on NFS, and a lock must say who holds it). A lock file names its
 * owner (pid, host, process start, what for) and a lease end; the owner renews the lease
 * while it lives. Another process may break the lock when it is stale: the owner's pid is
 * gone on this host, or the lease ran out (a crashed host, a reused pid, a frozen process).
 */
export interface LockOwner {
  readonly pid: number
  readonly host: string
  /** When the owning process started (ISO 8601). */
  readonly process_started: string
  /** When the lock was taken (ISO 8601). */
  readonly acquired: string
  /** Lease end, ms since the epoch: renewed every third of the lease while the owner runs. */
  readonly lease_until: number
  /** What the lock protects, for messages: "node train (3f2a...)", "run of configs/x.toml". */
  readonly purpose: string
  /** Random token: tells this holding apart from a later one by the same process. */
  readonly token: string
}

/**
 * Lease length in ms: 60 s, or AUDIOML_LOCK_LEASE_S. A live owner renews it every third,
 * so only an owner that stopped renewing for a whole lease loses its lock.
 */
export const leaseMs = (): number => {
  const s = Number(process.env["AUDIOML_LOCK_LEASE_S"])
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000
}

const processStarted = new Date(Date.now() - process.uptime() * 1000).toISOString()

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists, owned by another user
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Why `owner`'s lock may be broken, or undefined while it is live. */
export const staleReason = (owner: LockOwner, now = Date.now()): string | undefined => {
  if (owner.host === hostname() && !pidAlive(owner.pid)) return `its owner (pid ${owner.pid} on ${owner.host}) is no longer running`
  if (now > owner.lease_until) return `its lease ran out at ${new Date(owner.lease_until).toISOString()} (owner pid ${owner.pid} on ${owner.host})`
  return undefined
}

/** "pid 123 on host, since <time>: node train (3f2a...)" */
export const describeOwner = (o: LockOwner): string => `pid ${o.pid} on ${o.host}, since ${o.acquired}: ${o.purpose}`

/** The owner a lock or lease file's text records; undefined when there is none or it is malformed. */
export const parseOwner = (text: string | undefined): LockOwner | undefined => {
  if (text === undefined) return undefined
  try {
    const o = JSON.parse(text) as LockOwner
    return typeof o.pid === "number" && typeof o.host === "string" && typeof o.lease_until === "number" && typeof o.token === "string" ? o : undefined
  } catch {
    return undefined
  }
}

/** The owner recorded in a lock or lease file; undefined when there is none or it is unreadable. */
export const readOwner = async (path: string): Promise<LockOwner | undefined> => parseOwner(await readFile(path, "utf8").catch(() => undefined))

/** A lock or lease this process holds; `release` is idempotent. */
export interface Held {
  readonly path: string
  readonly owner: LockOwner
  readonly release: () => Promise<void>
}

const newOwner = (purpose: string): LockOwner => ({
  pid: process.pid,
  host: hostname(),
  process_started: processStarted,
  acquired: new Date().toISOString(),
  lease_until: Date.now() + leaseMs(),
  purpose,
  token: randomBytes(8).toString("hex")
})

/** Renew the lease every third of it while held; the timer does not keep the process alive. */
const holdWithRenewal = (path: string, owner: LockOwner): Held => {
  let current = owner
  let released = false
  const timer = setInterval(() => {
    void (async () => {
      // renew only what is still ours: a lock broken as stale belongs to someone else now
      const onDisk = await readOwner(path)
      if (released || onDisk?.token !== owner.token) return
      current = { ...current, lease_until: Date.now() + leaseMs() }
      await writeFileAtomic(path, JSON.stringify(current), dirname(path)).catch(() => undefined)
    })()
  }, Math.max(50, leaseMs() / 3))
  timer.unref()
  return {
    path,
    owner,
    release: async () => {
      if (released) return
      released = true
      clearInterval(timer)
      const onDisk = await readOwner(path)
      if (onDisk?.token === owner.token) await rm(path, { force: true })
    }
  }
}

/**
 * Create the lock file with its full content in one step: write a private temp file, then
 * hard-link it to the lock path (link fails if the lock exists, and a reader never sees a
 * half-written owner).
 */
const createExclusive = async (path: string, owner: LockOwner): Promise<boolean> => {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${owner.token}.tmp`
  await writeFile(tmp, JSON.stringify(owner))
  try {
    await link(tmp, path)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false
    throw e
  } finally {
    await rm(tmp, { force: true })
  }
}

/**
 * Remove a stale lock, but only the one judged stale: it is first moved aside, and if what
 * was moved turns out to be a newer owner's lock (taken in between), it is put back.
 */
const breakStale = async (path: string, stale: LockOwner): Promise<void> => {
  const aside = `${path}.${randomBytes(6).toString("hex")}.stale`
  try {
    await rename(path, aside)
  } catch {
    return // someone else broke or released it
  }
  const moved = await readOwner(aside)
  if (moved !== undefined && moved.token !== stale.token) await link(aside, path).catch(() => undefined)
  await rm(aside, { force: true })
}

/** What trying a lock once gave. */
export type LockAttempt = { readonly held: Held } | { readonly holder: LockOwner | undefined }

/**
 * Try once: take the lock if free; break it first if stale (`onStale` says why); else
 * report the live holder (undefined when its file is unreadable: being created right now).
 */
export const tryLock = async (path: string, purpose: string, onStale: (why: string) => void = () => {}): Promise<LockAttempt> => {
  const owner = newOwner(purpose)
  if (await createExclusive(path, owner)) return { held: holdWithRenewal(path, owner) }
  const holder = await readOwner(path)
  if (holder === undefined) {
    // an owner file that never parses (written by hand, or by a crashed older version) goes once its mtime is a lease old
    const s = await stat(path).catch(() => undefined)
    if (s !== undefined && Date.now() - s.mtimeMs > leaseMs()) {
      onStale("its owner file is unreadable and older than a lease")
      await rm(path, { force: true })
      return tryLock(path, purpose, onStale)
    }
    return { holder: undefined }
  }
  const why = staleReason(holder)
  if (why === undefined) return { holder }
  onStale(why)
  await breakStale(path, holder)
  return (await createExclusive(path, owner)) ? { held: holdWithRenewal(path, owner) } : { holder: await readOwner(path) }
}

/** Poll interval while waiting for a lock held by a live owner (ms). */
const POLL_MS = 100

/**
 * Wait for the lock (polling; `onWait` is told once per new holder), breaking it when stale.
 * Rejects with the signal's reason when `signal` aborts (an interrupted run stops waiting).
 */
export const acquireLock = async (
  path: string,
  purpose: string,
  hooks: { readonly onWait?: (holder: LockOwner) => void; readonly onStale?: (why: string) => void; readonly signal?: AbortSignal } = {}
): Promise<Held> => {
  let announced: string | undefined
  for (;;) {
    hooks.signal?.throwIfAborted()
    const attempt = await tryLock(path, purpose, hooks.onStale)
    if ("held" in attempt) return attempt.held
    if (attempt.holder !== undefined && attempt.holder.token !== announced) {
      announced = attempt.holder.token
      hooks.onWait?.(attempt.holder)
    }
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

/**
 * Wait until no live owner holds the lock at `path` (without taking it): how a run lets a
 * `cache gc` in progress finish. A stale holder does not hold anything up.
 */
export const waitWhileLocked = async (path: string, onWait: (holder: LockOwner) => void = () => {}): Promise<void> => {
  let announced = false
  for (;;) {
    const holder = await readOwner(path)
    if (holder === undefined || staleReason(holder) !== undefined) return
    if (!announced) onWait(holder)
    announced = true
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

/**
 * Write a lease file for as long as an activity lasts (a run using the store): unlike a lock
 * it is never contended, only read by `cache gc`, which honours the live ones.
 */
export const holdLease = async (dir: string, purpose: string, extra: Record<string, unknown> = {}): Promise<Held> => {
  const owner = { ...newOwner(purpose), ...extra }
  const path = join(dir, `${owner.pid}-${owner.token}.json`)
  await writeFileAtomic(path, JSON.stringify(owner), dir)
  return holdWithRenewal(path, owner)
}

/** Every lease in `dir`: the live ones, and the stale ones (removed when `removeStale`, with why). */
export const readLeases = async (dir: string, removeStale = true): Promise<{ live: LockOwner[]; stale: Array<{ owner: LockOwner; why: string }> }> => {
  const live: LockOwner[] = []
  const stale: Array<{ owner: LockOwner; why: string }> = []
  for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".json"))) {
    const owner = await readOwner(join(dir, name))
    if (owner === undefined) continue
    const why = staleReason(owner)
    if (why === undefined) live.push(owner)
    else {
      stale.push({ owner, why })
      if (removeStale) await rm(join(dir, name), { force: true })
    }
  }
  return { live, stale }
}

import { existsSync } from "node:fs"
import { readdir, readFile, rm, stat } from "node:fs/promises"
import { join } from "node:path"
import { describeOwner, readLeases, tryLock, type LockOwner } from "./file-lock.js"
import { listRuns } from "./run-record.js"
import { forgetRunsRoot, registeredRunsRoots } from "./run-registry.js"
import { unsealJson } from "./sealed-json.js"
import type { Store, StoredObject } from "./store.js"

export interface CacheStats {
  readonly entries: number
  readonly objects: number
  readonly bytes: number
  readonly referencedEntries: number
  readonly checkpoints: number
}

/** Entry keys that some run record under one of `runsRoots` points to. */
const referencedKeys = async (runsRoots: ReadonlyArray<string>): Promise<Set<string>> => {
  const keys = new Set<string>()
  for (const root of runsRoots) for (const run of await listRuns(root)) for (const node of run.manifest?.nodes ?? []) keys.add(node.key)
  return keys
}

export const cacheStats = async (store: Store, runsRoot: string): Promise<CacheStats> => {
  const objects = await store.listObjects()
  const entries = await store.listEntries()
  const roots = [...new Set([runsRoot, ...(await registeredRunsRoots(store)).map((r) => r.runs_root)])]
  const referenced = await referencedKeys(roots)
  return {
    entries: entries.length,
    objects: objects.size,
    bytes: [...objects.values()].reduce((a, b) => a + b.size, 0),
    referencedEntries: entries.filter((k) => referenced.has(k)).length,
    checkpoints: (await store.listCheckpoints()).length
  }
}

export interface VerifyResult {
  readonly checked: number
  readonly corrupt: ReadonlyArray<{ readonly key: string; readonly stage: string; readonly problems: ReadonlyArray<string> }>
  /** Validation memos and checkpoints that failed their checksum and were dropped: "what: why". */
  readonly dropped: ReadonlyArray<string>
}

/** Sealed memo files under `dir` (two-level, as `validated/` is laid out) that fail their seal. */
const badMemos = async (dir: string): Promise<Array<{ path: string; problem: string }>> => {
  const out: Array<{ path: string; problem: string }> = []
  for (const prefix of await readdir(dir).catch(() => [] as string[])) {
    for (const name of await readdir(join(dir, prefix)).catch(() => [] as string[])) {
      if (!name.endsWith(".json")) continue
      const path = join(dir, prefix, name)
      const sealed = unsealJson(await readFile(path, "utf8").catch(() => ""))
      if ("problem" in sealed) out.push({ path, problem: sealed.problem })
    }
  }
  return out
}

/**
 * Checksum every object of every entry, its report included; corrupt or unreadable entries
 * are dropped so the next run recomputes them. Validation memos and checkpoints that fail
 * their checksum are dropped too. Every drop is listed with why.
 */
export const verifyCache = async (store: Store): Promise<VerifyResult> => {
  const corrupt: Array<{ key: string; stage: string; problems: string[] }> = []
  const dropped: string[] = []
  const keys = await store.listEntries()
  for (const key of keys) {
    const read = await store.readEntry(key)
    if (read === undefined) continue // removed meanwhile
    if ("problem" in read) {
      corrupt.push({ key, stage: "?", problems: [`entry unreadable: ${read.problem}`] })
      await store.dropEntry(key)
      continue
    }
    const entry = read.entry
    const { mismatches } = await store.loadArtifact(entry)
    if (entry.report !== undefined) {
      const { problem } = await store.readObject(entry.report)
      if (problem !== undefined) mismatches.push({ object: `report.json (${entry.report.sha256.slice(0, 12)})`, sha256: entry.report.sha256, problem })
    }
    if (mismatches.length > 0) {
      corrupt.push({ key, stage: entry.stage, problems: mismatches.map((m) => `${m.object}: ${m.problem}`) })
      await store.dropCorrupt(key, mismatches)
    }
  }
  for (const { path, problem } of await badMemos(join(store.root, "validated"))) {
    await rm(path, { force: true })
    dropped.push(`validation memo ${path}: ${problem}`)
  }
  for (const key of await store.listCheckpoints()) {
    const saved = await store.loadCheckpoint(key)
    if (saved !== undefined && "problem" in saved) {
      await store.dropCheckpoint(key)
      dropped.push(`checkpoint ${key.slice(0, 12)}: ${saved.problem}`)
    }
  }
  return { checked: keys.length, corrupt, dropped }
}

export interface GcOptions {
  /** The current runs folder (always counted, registered or not). */
  readonly runsRoot: string
  /** Unreferenced entries and objects younger than this stay (ms; default one hour). */
  readonly graceMs?: number
  /** Only say what would go. */
  readonly dryRun?: boolean
}

export interface GcResult {
  readonly dryRun: boolean
  /** Runs folders whose records were counted as references. */
  readonly runsFolders: ReadonlyArray<string>
  /** Registered runs folders that no longer exist (forgotten unless dry run). */
  readonly forgottenFolders: ReadonlyArray<string>
  readonly entriesRemoved: number
  readonly objectsRemoved: number
  readonly bytesFreed: number
  /** Unreferenced entries and objects kept because they are younger than the grace period. */
  readonly keptYoung: number
  /** What went (or would go): "entry <key> (<stage>)", "object <sha>", "checkpoint <key>: why", "node folder <path>". */
  readonly removed: ReadonlyArray<string>
}

/** gc did nothing because runs are using the store (their leases are live), or another gc runs. */
export class StoreBusy extends Error {
  constructor(readonly holders: ReadonlyArray<LockOwner>, what: string) {
    super(`${what}: ${holders.map(describeOwner).join("; ")}`)
  }
}

/**
 * Remove entries that no run record of any registered runs folder references, then objects
 * that no remaining entry or checkpoint uses, the runs folders' node folders (runs/.nodes/)
 * that none of their run records references, and stray temp files; unreferenced things
 * younger than the grace period stay (a run may be about to reference them). Takes the
 * store's gc lock, and removes nothing while any run holds a live lease on the store: a run
 * writes its lease before it checks the gc lock, gc takes the gc lock before it reads the
 * leases, so one of the two always sees the other. Throws StoreBusy when busy.
 */
export const collectGarbage = async (store: Store, options: GcOptions): Promise<GcResult> => {
  const graceMs = options.graceMs ?? 3_600_000
  const dryRun = options.dryRun === true
  const attempt = await tryLock(store.gcLockPath, "cache gc")
  if (!("held" in attempt)) throw new StoreBusy(attempt.holder === undefined ? [] : [attempt.holder], "another cache gc is running on this store")
  try {
    const leases = await readLeases(store.leasesDir, !dryRun)
    if (leases.live.length > 0) throw new StoreBusy(leases.live, `${leases.live.length} run(s) in progress on this store; nothing removed`)
    const now = Date.now()
    const young = (mtimeMs: number) => now - mtimeMs < graceMs
    const registered = (await registeredRunsRoots(store)).map((r) => r.runs_root)
    const forgottenFolders = registered.filter((r) => r !== options.runsRoot && !existsSync(r))
    if (!dryRun) for (const r of forgottenFolders) await forgetRunsRoot(store, r)
    const runsFolders = [...new Set([options.runsRoot, ...registered.filter((r) => !forgottenFolders.includes(r))])]
    const referenced = await referencedKeys(runsFolders)
    const removed: string[] = []
    let keptYoung = 0
    let entriesRemoved = 0
    const live = new Set<string>()
    for (const key of await store.listEntries()) {
      const read = await store.readEntry(key)
      const entry = read !== undefined && "entry" in read ? read.entry : undefined
      if (!referenced.has(key)) {
        const s = await stat(store.entryPath(key)).catch(() => undefined)
        if (s !== undefined && young(s.mtimeMs)) keptYoung++
        else {
          removed.push(`entry ${key.slice(0, 12)} (${entry?.stage ?? "unreadable"})`)
          if (!dryRun) await store.dropEntry(key)
          entriesRemoved++
          continue
        }
      }
      for (const f of entry?.files ?? []) live.add(f.sha256)
      if (entry?.report !== undefined) live.add(entry.report.sha256)
    }
    for (const key of await store.listCheckpoints()) {
      const read = await store.readCheckpointObjects(key)
      if ("problem" in read) {
        removed.push(`checkpoint ${key.slice(0, 12)}: ${read.problem}`)
        if (!dryRun) await store.dropCheckpoint(key)
        continue
      }
      for (const o of read.objects as StoredObject[]) live.add(o.sha256)
    }
    let objectsRemoved = 0
    let bytesFreed = 0
    for (const [sha, { size, mtimeMs }] of await store.listObjects()) {
      if (live.has(sha)) continue
      if (young(mtimeMs)) {
        keptYoung++
        continue
      }
      removed.push(`object ${sha.slice(0, 12)} (${size} bytes)`)
      if (!dryRun) await store.removeObject(sha)
      objectsRemoved++
      bytesFreed += size
    }
    // runs/.nodes/<key>: the node folders run folders link to; those no run record of their
    // runs folder references anymore (runs deleted), and stray temp folders, go
    for (const root of runsFolders) {
      const inRoot = new Set<string>()
      for (const run of await listRuns(root)) for (const node of run.manifest?.nodes ?? []) inRoot.add(node.key)
      const nodesDir = join(root, ".nodes")
      for (const name of await readdir(nodesDir).catch(() => [] as string[])) {
        if (inRoot.has(name)) continue
        const path = join(nodesDir, name)
        const s = await stat(path).catch(() => undefined)
        if (s === undefined || young(s.mtimeMs)) continue
        removed.push(`node folder ${path}`)
        if (!dryRun) await rm(path, { recursive: true, force: true })
      }
    }
    if (!dryRun) {
      for (const name of await readdir(store.tmpDir).catch(() => [] as string[])) {
        const path = join(store.tmpDir, name)
        const s = await stat(path).catch(() => undefined)
        // leave temp files of a run that may still be writing (younger than an hour)
        if (s !== undefined && now - s.mtimeMs > 3_600_000) await rm(path, { recursive: true, force: true })
      }
    }
    return { dryRun, runsFolders, forgottenFolders, entriesRemoved, objectsRemoved, bytesFreed, keptYoung, removed }
  } finally {
    await attempt.held.release()
  }
}

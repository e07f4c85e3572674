import { readdir, rm, stat } from "node:fs/promises"
import { join } from "node:path"
import { listRuns } from "./run-record.js"
import type { Store } from "./store.js"

export interface CacheStats {
  readonly entries: number
  readonly objects: number
  readonly bytes: number
  readonly referencedEntries: number
  readonly checkpoints: number
}

/** Entry keys that some run record under `runsRoot` points to. */
const referencedKeys = async (runsRoot: string): Promise<Set<string>> => {
  const keys = new Set<string>()
  for (const run of await listRuns(runsRoot)) for (const node of run.manifest?.nodes ?? []) keys.add(node.key)
  return keys
}

export const cacheStats = async (store: Store, runsRoot: string): Promise<CacheStats> => {
  const objects = await store.listObjects()
  const entries = await store.listEntries()
  const referenced = await referencedKeys(runsRoot)
  return {
    entries: entries.length,
    objects: objects.size,
    bytes: [...objects.values()].reduce((a, b) => a + b, 0),
    referencedEntries: entries.filter((k) => referenced.has(k)).length,
    checkpoints: (await store.listCheckpoints()).length
  }
}

export interface VerifyResult {
  readonly checked: number
  readonly corrupt: ReadonlyArray<{ readonly key: string; readonly stage: string; readonly problems: ReadonlyArray<string> }>
}

/** Checksum every object of every entry; corrupt entries are dropped so the next run recomputes them. */
export const verifyCache = async (store: Store): Promise<VerifyResult> => {
  const corrupt: Array<{ key: string; stage: string; problems: string[] }> = []
  const keys = await store.listEntries()
  for (const key of keys) {
    const entry = await store.readEntry(key)
    if (entry === undefined) {
      corrupt.push({ key, stage: "?", problems: ["unreadable entry"] })
      await store.dropEntry(key)
      continue
    }
    const { mismatches } = await store.loadArtifact(entry)
    if (mismatches.length > 0) {
      corrupt.push({ key, stage: entry.stage, problems: mismatches.map((m) => `${m.object}: ${m.problem}`) })
      await store.dropCorrupt(key, mismatches)
    }
  }
  return { checked: keys.length, corrupt }
}

export interface GcResult {
  readonly entriesRemoved: number
  readonly objectsRemoved: number
  readonly bytesFreed: number
}

/**
 * Remove entries no run record references, then objects no remaining entry or checkpoint
 * uses, and stray temp files. Do not run it while a run is writing to the same store.
 */
export const collectGarbage = async (store: Store, runsRoot: string): Promise<GcResult> => {
  const referenced = await referencedKeys(runsRoot)
  let entriesRemoved = 0
  const live = new Set<string>()
  for (const key of await store.listEntries()) {
    if (!referenced.has(key)) {
      await store.dropEntry(key)
      entriesRemoved++
      continue
    }
    const entry = await store.readEntry(key)
    for (const f of entry?.files ?? []) live.add(f.sha256)
    if (entry?.report !== undefined) live.add(entry.report.sha256)
  }
  for (const key of await store.listCheckpoints()) for (const o of await store.readCheckpointObjects(key)) live.add(o.sha256)
  let objectsRemoved = 0
  let bytesFreed = 0
  for (const [sha, size] of await store.listObjects()) {
    if (live.has(sha)) continue
    await store.removeObject(sha)
    objectsRemoved++
    bytesFreed += size
  }
  for (const name of await readdir(store.tmpDir).catch(() => [] as string[])) {
    const path = join(store.tmpDir, name)
    const s = await stat(path).catch(() => undefined)
    // leave temp files of a run that may still be writing (younger than an hour)
    if (s !== undefined && Date.now() - s.mtimeMs > 3_600_000) await rm(path, { recursive: true, force: true })
  }
  return { entriesRemoved, objectsRemoved, bytesFreed }
}

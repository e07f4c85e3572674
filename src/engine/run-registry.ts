import { readdir, readFile, rm } from "node:fs/promises"
import { join } from "node:path"
import { writeFileAtomic } from "./atomic-write.js"
import { sha256Hex } from "./hash.js"
import type { Store } from "./store.js"

/**
 * The store's registry of runs folders: every runs folder that has written run records
 * from this store has a file here, so `cache gc` sees the references of every project that
 * shares the store (AUDIOML_STORE), not only the current one's.
 */
export interface RegisteredRuns {
  /** Absolute path of the runs folder. */
  readonly runs_root: string
  /** The working folder of the last run that used it (the project). */
  readonly project: string
  /** ISO 8601 time of the last run that used it. */
  readonly last_used: string
}

const registryPath = (store: Store, runsRoot: string): string => join(store.registryDir, `${sha256Hex(runsRoot)}.json`)

/** Record that `runsRoot` holds run records made from this store (at the start of every run). */
export const registerRunsRoot = async (store: Store, runsRoot: string, project = process.cwd()): Promise<void> => {
  const record: RegisteredRuns = { runs_root: runsRoot, project, last_used: new Date().toISOString() }
  await writeFileAtomic(registryPath(store, runsRoot), JSON.stringify(record, null, 2) + "\n", store.tmpDir)
}

/** Every registered runs folder (unreadable registry files are skipped). */
export const registeredRunsRoots = async (store: Store): Promise<RegisteredRuns[]> => {
  const out: RegisteredRuns[] = []
  for (const name of (await readdir(store.registryDir).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).sort()) {
    try {
      const r = JSON.parse(await readFile(join(store.registryDir, name), "utf8")) as RegisteredRuns
      if (typeof r.runs_root === "string") out.push(r)
    } catch {
      // a torn registry file: the folder registers again on its next run
    }
  }
  return out
}

/** Forget a runs folder that no longer exists. */
export const forgetRunsRoot = async (store: Store, runsRoot: string): Promise<void> => {
  await rm(registryPath(store, runsRoot), { force: true })
}

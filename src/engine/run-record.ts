import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync, symlinkSync } from "node:fs"
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import { randomBytes } from "node:crypto"
import { dirname, join, relative } from "node:path"
import { writeFileAtomic } from "./atomic-write.js"
import type { KeyParts } from "./miss-reason.js"
import type { NodeResult } from "./node-result.js"
import type { PipelineSpec } from "./pipeline-spec.js"
import type { Store } from "./store.js"

export interface Manifest {
  readonly name: string
  readonly run_id: string
  readonly config: string
  readonly status: "ok" | "failed"
  readonly started: string
  readonly finished: string
  readonly duration_ms: number
  readonly store: string
  readonly variation?: PipelineSpec["variation"]
  readonly environment: Record<string, unknown>
  readonly error?: string
  /**
   * Per node: its key, reasons, params, hashes, the artifact's kind and hash (over its file
   * list) and how many files it has. The per-file names, sha256 and sizes are not repeated
   * here (a dataset node lists thousands: 800 KB of JSON written and read back per run); they
   * are the store's entry for the key (`<store>/nodes/<key>.json`), and the files themselves
   * are the run folder's `<stage>/`.
   */
  readonly nodes: ReadonlyArray<Omit<NodeResult, "entry"> & { readonly kind: string; readonly artifact: string; readonly file_count: number }>
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/**
 * Sortable to the millisecond (the latest run is the last name: `previousNodes` and
 * `runs list` rely on it), unique even for runs started at once by other processes.
 */
const newRunId = (now: Date): string =>
  `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}` +
  `-${pad(now.getUTCMilliseconds(), 3)}-${randomBytes(3).toString("hex")}`

/** Make runs/<name>/<run-id>/ (exclusively: a concurrent run never gets the same folder). */
export const createRunDir = async (runsRoot: string, name: string, now = new Date()): Promise<{ dir: string; id: string }> => {
  await mkdir(join(runsRoot, name), { recursive: true })
  for (;;) {
    const id = newRunId(now)
    const dir = join(runsRoot, name, id)
    try {
      await mkdir(dir)
      return { dir, id }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
    }
  }
}

const readJson = async <T>(path: string): Promise<T | undefined> => {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T
  } catch {
    return undefined
  }
}

/** Every finished run's manifest under the runs root, oldest first: [dir, manifest]. */
export const listRuns = async (runsRoot: string): Promise<Array<{ dir: string; manifest?: Manifest }>> => {
  const out: Array<{ dir: string; manifest?: Manifest }> = []
  const names = await readdir(runsRoot, { withFileTypes: true }).catch(() => [])
  for (const name of names) {
    if (!name.isDirectory() || name.name.startsWith(".")) continue
    const ids = await readdir(join(runsRoot, name.name), { withFileTypes: true }).catch(() => [])
    for (const id of ids) {
      if (!id.isDirectory() || id.name === "sweeps") continue
      const dir = join(runsRoot, name.name, id.name)
      const manifest = await readJson<Manifest>(join(dir, "manifest.json"))
      out.push(manifest === undefined ? { dir } : { dir, manifest })
    }
  }
  return out.sort((a, b) => (a.dir.split("/").pop()! < b.dir.split("/").pop()! ? -1 : 1))
}

/** The nodes of the latest finished run of the pipeline `name`, by stage id. */
export const previousNodes = async (runsRoot: string, name: string): Promise<Map<string, KeyParts>> => {
  const ids = (await readdir(join(runsRoot, name)).catch(() => [] as string[])).filter((d) => d !== "sweeps").sort().reverse()
  for (const id of ids) {
    const manifest = await readJson<Manifest>(join(runsRoot, name, id, "manifest.json"))
    if (manifest !== undefined) return new Map(manifest.nodes.map((n) => [n.id, n]))
  }
  return new Map()
}

/** The folder under a runs folder holding each node's output files once: `<runsRoot>/.nodes/<key>/`. */
export const nodeFilesDir = (runsRoot: string, key: string): string => join(runsRoot, ".nodes", key)

/**
 * Hard-link stored objects to `targets` (copy across file systems). Synchronous on purpose:
 * thousands of links, and a synchronous link costs a few µs of CPU against ten times that
 * through the thread pool and a promise.
 */
const linkObjects = (store: Store, files: ReadonlyArray<{ readonly sha: string; readonly target: string }>): void => {
  for (const d of new Set(files.map((f) => dirname(f.target)))) mkdirSync(d, { recursive: true })
  for (const { sha, target } of files) {
    try {
      linkSync(store.objectPath(sha), target)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue
      copyFileSync(store.objectPath(sha), target)
    }
  }
}

/** A node's files, each with its name inside the node's folder (report.json for the stage report). */
const nodeFiles = (r: NodeResult): Array<{ readonly sha: string; readonly name: string }> => [
  ...r.entry.files.map((f) => ({ sha: f.sha256, name: f.name })),
  ...(r.entry.report !== undefined ? [{ sha: r.entry.report.sha256, name: "report.json" }] : [])
]

/**
 * Put a node's output files in the run folder as `<run>/<stage id>`: a relative symbolic link to
 * `<runsRoot>/.nodes/<key>/`, made the first time any run of this runs folder records that
 * node (hard links from the store, built in a temp folder and renamed into place whole). So a
 * cached rerun costs one link per stage, not one per file (a dataset node has thousands), and
 * run folders survive the store (the hard links keep the bytes). Where symbolic links cannot
 * be made, the files are hard-linked into the run folder itself.
 */
const exportNode = (store: Store, runsRoot: string, runDir: string, r: NodeResult): void => {
  const files = nodeFiles(r)
  const shared = nodeFilesDir(runsRoot, r.entry.key)
  if (!existsSync(shared)) {
    const tmp = join(runsRoot, ".nodes", `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`)
    linkObjects(store, files.map((f) => ({ sha: f.sha, target: join(tmp, f.name) })))
    mkdirSync(tmp, { recursive: true }) // a node without files still gets its (empty) folder
    try {
      renameSync(tmp, shared)
    } catch (e) {
      // another run made it first: theirs is complete (made the same way), ours goes
      rmSync(tmp, { recursive: true, force: true })
      if (!existsSync(shared)) throw e
    }
  }
  try {
    symlinkSync(relative(runDir, shared), join(runDir, r.id), "dir")
  } catch {
    linkObjects(store, files.map((f) => ({ sha: f.sha, target: join(runDir, r.id, f.name) })))
  }
}

/**
 * Write the run record: resolved config, overrides, every node's output files (a folder per
 * stage, see exportNode: open formats right there), stage reports, the merged metrics, and
 * manifest.json last.
 */
export const writeRunRecord = async (
  dir: string,
  id: string,
  spec: PipelineSpec,
  store: Store,
  results: ReadonlyArray<NodeResult>,
  timing: { started: Date; finished: Date },
  environment: Record<string, unknown>,
  error?: string
): Promise<Manifest> => {
  await writeFile(join(dir, "config.resolved.json"), JSON.stringify(spec.resolved, null, 2) + "\n")
  await writeFile(join(dir, "overrides.json"), JSON.stringify(spec.overrides, null, 2) + "\n")
  const metrics: Record<string, unknown> = {}
  // the run folder is <runsRoot>/<name>/<run-id>
  for (const r of results) exportNode(store, dirname(dirname(dir)), dir, r)
  for (const r of results) {
    const metricsFile = r.entry.files.find((f) => f.name === "metrics.json")
    if (metricsFile !== undefined) metrics[r.id] = JSON.parse(await readFile(store.objectPath(metricsFile.sha256), "utf8"))
  }
  if (Object.keys(metrics).length > 0) await writeFile(join(dir, "metrics.json"), JSON.stringify(metrics, null, 2) + "\n")
  const manifest: Manifest = {
    name: spec.name,
    run_id: id,
    config: spec.configFile,
    status: error === undefined ? "ok" : "failed",
    started: timing.started.toISOString(),
    finished: timing.finished.toISOString(),
    duration_ms: timing.finished.getTime() - timing.started.getTime(),
    store: store.root,
    ...(spec.variation !== undefined ? { variation: spec.variation } : {}),
    environment,
    ...(error !== undefined ? { error } : {}),
    nodes: results.map(({ entry, ...r }) => ({ ...r, kind: entry.kind, artifact: entry.artifact, file_count: entry.files.length }))
  }
  await writeFileAtomic(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n")
  return manifest
}

/** runs/<name>/sweeps/<first-run-id>.json: the variations of one sweep and their run folders. */
export const writeSweepIndex = async (
  runsRoot: string,
  name: string,
  runs: ReadonlyArray<{ id: string; dir: string; values: Readonly<Record<string, unknown>> }>
): Promise<string> => {
  const path = join(runsRoot, name, "sweeps", `${runs[0]!.id}.json`)
  await writeFileAtomic(path, JSON.stringify({ name, variations: runs }, null, 2) + "\n")
  return path
}

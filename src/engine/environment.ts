import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const require = createRequire(join(packageRoot, "package.json"))

const versionOf = (name: string): string | undefined => {
  try {
    const path = require.resolve(`${name}/package.json`)
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version
  } catch {
    return undefined
  }
}

export const audiomlVersion = (): string =>
  (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version

/**
 * The git commit of the folder holding the config, when it is inside a repository with a
 * commit, suffixed `-dirty` when files differ from it (untracked ones included). One `git
 * status --porcelain=v2 --branch` gives both: its `# branch.oid` header and one line per change.
 */
const gitCommit = (dir: string): string | undefined => {
  try {
    const lines = execFileSync("git", ["status", "--porcelain=v2", "--branch"], { cwd: dir, stdio: ["ignore", "pipe", "ignore"] }).toString().split("\n")
    const head = /^# branch\.oid ([0-9a-f]{40,64})$/.exec(lines.find((l) => l.startsWith("# branch.oid ")) ?? "")?.[1]
    if (head === undefined) return undefined
    const dirty = lines.some((l) => l !== "" && !l.startsWith("#"))
    return dirty ? `${head}-dirty` : head
  } catch {
    return undefined
  }
}

/** What the run manifest records about the software that ran. */
export const environmentRecord = (configDir: string): Record<string, unknown> => {
  const packages: Record<string, string> = {}
  for (const name of ["effect", "@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu", "fft.js", "wavefile", "pure-rand"]) {
    const v = versionOf(name)
    if (v !== undefined) packages[name] = v
  }
  const commit = gitCommit(configDir)
  return {
    audioml: audiomlVersion(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    packages,
    // the ML layer records the backend it loaded (run-facts); a run whose model stages were all cached loads none
    tfjs_backend: "not loaded (no model stage ran in this process)",
    ...(commit !== undefined ? { git_commit: commit } : {})
  }
}

import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

/** The built CLI as users run it: bin.js, which loads the bundle (npm test builds both before vitest runs). */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
export const cliPath = resolve(repoRoot, "dist/cli/bin.js")

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

export const tempDir = (prefix = "audioml-"): string => mkdtempSync(join(tmpdir(), prefix))

/**
 * The test fixtures' plugins (test/fixtures/engine/test-stages.mjs) are our own code: the
 * helpers trust them as a user would with AUDIOML_ALLOW_PLUGINS=1. Tests of the trust rule
 * pass `{ AUDIOML_ALLOW_PLUGINS: "" }`.
 */
const trustedEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, AUDIOML_ALLOW_PLUGINS: "1", ...env })

/** Run `audioml ...args` in `cwd` and wait for it. */
export const audioml = (args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}): CliResult => {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, env: trustedEnv(env), encoding: "utf8" })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The same, without blocking the test (for concurrent runs and signals). */
export const audiomlAsync = (args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) => {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: trustedEnv(env), stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (d) => (stdout += d))
  child.stderr.on("data", (d) => (stderr += d))
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((res) =>
    child.on("close", (status, signal) => res({ status, signal, stdout, stderr }))
  )
  return { child, done, output: () => ({ stdout, stderr }) }
}

/** `audioml run --json` parsed. */
export interface RunJson {
  readonly runs: string[]
  readonly sweep_index?: string
  readonly variations: Array<{
    readonly run: string
    readonly variation: unknown
    readonly nodes: Array<{ id: string; uses: string; key: string; cached: boolean; reason: string; artifact: string }>
  }>
}

export const runJson = (args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}): RunJson => {
  const r = audioml(["run", ...args, "--json"], cwd, env)
  if (r.status !== 0) throw new Error(`audioml run failed (${r.status}):\n${r.stderr}`)
  return JSON.parse(r.stdout) as RunJson
}

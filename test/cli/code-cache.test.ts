import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { codeCacheFile } from "../../src/cli/code-cache.js"
import { audioml, repoRoot, tempDir } from "../helpers/cli.js"

// bin.js runs the bundled CLI through V8's code cache (src/cli/code-cache.ts): these check
// that the cache is written once per command, reused, rewritten when V8 rejects it, never
// changes what a command prints, and can be turned off.
// `runs list` is a cheap command; every other CLI test runs through the default cache.
const list = (dir: string, cwd = repoRoot) => audioml(["runs", "list", "--runs", join(cwd, "no-runs")], cwd, { AUDIOML_CODE_CACHE_DIR: dir })

describe("the CLI's code cache", () => {
  it("is written by a command's first run, reused unchanged by the next, and the output is the same", () => {
    const dir = tempDir("audioml-code-cache-")
    const first = list(dir)
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(/no runs under/i)
    const file = codeCacheFile(dir, "runs")
    expect(existsSync(file)).toBe(true)
    expect(statSync(file).size).toBeGreaterThan(10_000)
    const written = statSync(file).mtimeMs
    const second = list(dir)
    expect(second.status).toBe(0)
    expect(second.stdout).toBe(first.stdout)
    expect(statSync(file).mtimeMs).toBe(written) // accepted, so not rewritten
    // no temp files left behind
    expect(readdirSync(dir)).toEqual([file.split("/").pop()])
  }, 60_000)

  it("a cache V8 rejects (here: garbage) is replaced, and the command still works", () => {
    const dir = tempDir("audioml-code-cache-")
    const file = codeCacheFile(dir, "runs")
    writeFileSync(file, Buffer.alloc(4096, 7))
    const r = list(dir)
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/no runs under/i)
    expect(statSync(file).size).toBeGreaterThan(10_000)
  }, 60_000)

  it("help and unknown commands share one cache named all; AUDIOML_CODE_CACHE_DIR=off writes none", () => {
    const dir = tempDir("audioml-code-cache-")
    expect(audioml(["--help"], repoRoot, { AUDIOML_CODE_CACHE_DIR: dir }).status).toBe(0)
    expect(readdirSync(dir)).toEqual([codeCacheFile(dir, "all").split("/").pop()])
    const cwd = tempDir("audioml-code-cache-")
    const r = list("off", cwd)
    expect(r.status).toBe(0)
    expect(readdirSync(cwd)).toEqual([]) // "off" is not a folder name
  }, 60_000)
})

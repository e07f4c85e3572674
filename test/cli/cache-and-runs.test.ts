import { describe, expect, it } from "vitest"
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, repoRoot, runJson, tempDir } from "../helpers/cli.js"
import { storedFiles } from "../helpers/stored-files.js"

const config = join(repoRoot, "test/fixtures/engine/basic.toml")

describe("plan, cache and runs commands", () => {
  it("plan shows what would run without running it", () => {
    const dir = tempDir()
    const before = JSON.parse(audioml(["plan", config, "--json"], dir).stdout)
    expect(Object.fromEntries(before[0].nodes.map((n: { id: string; action: string }) => [n.id, n.action]))).toEqual({
      src: "run",
      other: "run",
      plus: "after upstream",
      clamp: "after upstream",
      total: "after upstream"
    })
    expect(existsSync(join(dir, "runs/engine-basic"))).toBe(false)
    runJson([config], dir)
    const after = JSON.parse(audioml(["plan", config, "--json", "--set", "stages.plus.amount=9"], dir).stdout)
    const actions = Object.fromEntries(after[0].nodes.map((n: { id: string; action: string; reason: string }) => [n.id, `${n.action}: ${n.reason}`]))
    expect(actions).toMatchObject({
      src: "cached: cache hit",
      plus: "run: params changed: stages.plus.amount",
      clamp: "after upstream: waits for plus"
    })
  })

  it("cache stats, verify and gc", () => {
    const dir = tempDir()
    const run = runJson([config], dir)
    const stats = JSON.parse(audioml(["cache", "stats", "--json"], dir).stdout)
    expect(stats.entries).toBe(5)
    expect(stats.referencedEntries).toBe(5)
    expect(audioml(["cache", "verify"], dir).status).toBe(0)

    // corrupt one object: verify finds it, drops the entry, exits 1
    const sha = storedFiles(run.runs[0]!, "other")[0]!.sha256
    const object = join(dir, "runs/.store/objects", sha.slice(0, 2), sha.slice(2))
    chmodSync(object, 0o644)
    writeFileSync(object, "garbage")
    const verify = audioml(["cache", "verify"], dir)
    expect(verify.status).toBe(1)
    expect(verify.stdout).toContain("corrupt: node other")
    expect(JSON.parse(audioml(["cache", "stats", "--json"], dir).stdout).entries).toBe(4)

    // with no run record left, gc empties the store (no grace period: these entries are seconds old)
    rmSync(join(dir, "runs/engine-basic"), { recursive: true })
    const gc = JSON.parse(audioml(["cache", "gc", "--json", "--grace-minutes", "0"], dir).stdout)
    expect(gc.entriesRemoved).toBe(4)
    expect(JSON.parse(audioml(["cache", "stats", "--json"], dir).stdout)).toMatchObject({ entries: 0, objects: 0 })
  })

  it("gc keeps what run records reference; --store and AUDIOML_STORE choose the store", () => {
    const dir = tempDir()
    const store = join(dir, "elsewhere")
    runJson([config, "--store", store], dir)
    expect(existsSync(join(store, "nodes"))).toBe(true)
    expect(JSON.parse(audioml(["cache", "gc", "--json", "--store", store], dir).stdout).entriesRemoved).toBe(0)
    const viaEnv = audioml(["cache", "stats", "--json"], dir, { AUDIOML_STORE: store })
    expect(JSON.parse(viaEnv.stdout).entries).toBe(5)
  })

  it("runs list and runs show", () => {
    const dir = tempDir()
    const run = runJson([config], dir)
    runJson([config, "--set", "stages.plus.amount=2"], dir)
    const list = JSON.parse(audioml(["runs", "list", "--json"], dir).stdout)
    expect(list).toHaveLength(2)
    expect(list[0]).toMatchObject({ status: "ok", nodes: 5, cached: 0 })
    expect(list[1]).toMatchObject({ status: "ok", nodes: 5, cached: 2 })
    const show = audioml(["runs", "show", run.runs[0]!], dir)
    expect(show.status).toBe(0)
    expect(show.stdout).toContain("engine-basic")
    expect(show.stdout).toMatch(/total\s+test\.sum\s+ran/)
    expect(audioml(["runs", "show", "nope/nothing"], dir).status).toBe(2)
  })
})

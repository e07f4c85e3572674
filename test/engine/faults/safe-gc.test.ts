import { describe, expect, it } from "vitest"
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, audiomlAsync, runJson, tempDir } from "../../helpers/cli.js"
import { chainStages, filesUnder, untilStderr, writeConfig } from "./fault-helpers.js"

describe("fault: cache gc next to runs and other projects", () => {
  it("removes nothing while a run holds its lease on the store; the run then finishes intact", async () => {
    const dir = tempDir()
    const config = writeConfig(dir, "busy", chainStages)
    const barrier = join(dir, "open-barrier")
    const run = audiomlAsync(["run", config, "--json"], dir, { AUDIOML_FAULT: `pause:slow:locked:${barrier}` })
    await untilStderr(run, "slow paused at locked")
    const before = filesUnder(join(dir, "runs/.store/objects"))
    expect(before.length).toBeGreaterThan(0) // src is stored, no run record references it yet
    const gc = audioml(["cache", "gc", "--grace-minutes", "0"], dir)
    expect(gc.status).toBe(1)
    expect(gc.stderr).toMatch(/cache gc: 1 run\(s\) in progress on this store; nothing removed: pid \d+ on .*run of .*busy\.toml/)
    expect(filesUnder(join(dir, "runs/.store/objects"))).toEqual(before)
    writeFileSync(barrier, "")
    expect((await run.done).status).toBe(0)
    // afterwards gc proceeds, and keeps everything the run references
    expect(audioml(["cache", "gc", "--grace-minutes", "0"], dir).status).toBe(0)
    expect(runJson([config], dir).variations[0]!.nodes.every((n) => n.cached)).toBe(true)
  })

  it("with a store shared by two projects, gc in one keeps the other's entries, and asks (needs --yes) first", () => {
    const store = join(tempDir(), "shared-store")
    const env = { AUDIOML_STORE: store }
    const p1 = tempDir()
    const p2 = tempDir()
    const c1 = writeConfig(p1, "one", `[stages.src]\nuses = "test.source"\ncount = 3\n`)
    const c2 = writeConfig(p2, "two", `[stages.src]\nuses = "test.source"\ncount = 4\n`)
    runJson([c1], p1, env)
    runJson([c2], p2, env)
    const refused = audioml(["cache", "gc", "--grace-minutes", "0"], p2, env)
    expect(refused.status).toBe(2)
    expect(refused.stderr).toMatch(/cache gc: the store .* is shared with 1 other runs folder\(s\) \(.*\); .*Rerun with --yes/)
    // p2 forgets its runs: gc may remove p2's entry, never p1's
    rmSync(join(p2, "runs/two"), { recursive: true })
    const dry = audioml(["cache", "gc", "--grace-minutes", "0", "--dry-run"], p2, env)
    expect(dry.status).toBe(0)
    expect(dry.stdout).toMatch(/would remove entry [0-9a-f]{12} \(src\)/)
    expect(dry.stdout).toMatch(/would remove 1 entries and 1 objects/)
    const gc = audioml(["cache", "gc", "--grace-minutes", "0", "--yes"], p2, env)
    expect(gc.status).toBe(0)
    expect(gc.stdout).toMatch(/removed 1 entries and 1 objects/)
    expect(runJson([c1], p1, env).variations[0]!.nodes[0]!.cached).toBe(true)
    expect(runJson([c2], p2, env).variations[0]!.nodes[0]!.cached).toBe(false)
  })

  it("keeps unreferenced entries younger than the grace period; --dry-run removes nothing", () => {
    const dir = tempDir()
    const config = writeConfig(dir, "young", `[stages.src]\nuses = "test.source"\n`)
    runJson([config], dir)
    rmSync(join(dir, "runs/young"), { recursive: true })
    const objects = filesUnder(join(dir, "runs/.store/objects"))
    // the deleted run's stage folder (runs/.nodes/<key>) is referenced by no run record now
    const nodeFolders = readdirSync(join(dir, "runs/.nodes"))
    expect(nodeFolders).toHaveLength(1)
    const young = audioml(["cache", "gc"], dir)
    expect(young.stdout).toMatch(/removed 0 entries and 0 objects.*kept 1 unreferenced but younger than the grace period/)
    expect(audioml(["cache", "gc", "--dry-run", "--grace-minutes", "0"], dir).stdout).toMatch(/would remove 1 entries and 1 objects/)
    expect(filesUnder(join(dir, "runs/.store/objects"))).toEqual(objects)
    expect(readdirSync(join(dir, "runs/.nodes"))).toEqual(nodeFolders)
    expect(audioml(["cache", "gc", "--grace-minutes", "0"], dir).stdout).toMatch(/removed 1 entries and 1 objects/)
    expect(filesUnder(join(dir, "runs/.store/objects"))).toEqual([])
    expect(readdirSync(join(dir, "runs/.nodes"))).toEqual([])
    expect(existsSync(join(dir, "runs/.store/nodes"))).toBe(true)
  })
})

import { describe, expect, it } from "vitest"
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { audiomlAsync, runJson, tempDir } from "../../helpers/cli.js"
import { chainStages, untilStderr, writeConfig } from "./fault-helpers.js"

const byId = <T extends { id: string }>(nodes: ReadonlyArray<T>) => Object.fromEntries(nodes.map((n) => [n.id, n]))

describe("fault: two runs of one node on one store", () => {
  it("the second run waits for the first's lock, never computes the node, and takes the hit (two processes, a barrier)", async () => {
    const dir = tempDir()
    const config = writeConfig(dir, "locks", chainStages)
    const barrier = join(dir, "open-barrier")
    // A takes the lock of `slow` and stops right there until the test opens the barrier
    const a = audiomlAsync(["run", config, "--json"], dir, { AUDIOML_FAULT: `pause:slow:locked:${barrier}` })
    await untilStderr(a, "slow paused at locked")
    const b = audiomlAsync(["run", config, "--json"], dir)
    await untilStderr(b, "waiting: another process is computing this node")
    writeFileSync(barrier, "")
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect(ra.status).toBe(0)
    expect(rb.status).toBe(0)
    const na = byId(JSON.parse(ra.stdout).variations[0].nodes as Array<{ id: string; cached: boolean; artifact: string }>)
    const nb = byId(JSON.parse(rb.stdout).variations[0].nodes as Array<{ id: string; cached: boolean; artifact: string }>)
    expect(na["slow"]!.cached).toBe(false)
    expect(nb["slow"]!.cached).toBe(true)
    expect(nb["slow"]!.artifact).toBe(na["slow"]!.artifact)
    expect(rb.stderr).not.toContain("▶ slow")
    expect(readdirSync(join(dir, "runs/.store/locks")).filter((f) => f.endsWith(".lock"))).toEqual([])
  })

  it("a lock left by a killed run (dead pid on this host) is broken with a warning, and the rerun succeeds", async () => {
    const dir = tempDir()
    const config = writeConfig(dir, "stale", chainStages)
    const a = audiomlAsync(["run", config], dir, { AUDIOML_FAULT: "after:slow:locked" })
    const killed = await a.done
    expect(killed.signal).toBe("SIGKILL")
    expect(readdirSync(join(dir, "runs/.store/locks")).filter((f) => f.endsWith(".lock"))).toHaveLength(1)
    const b = audiomlAsync(["run", config, "--json"], dir)
    const rb = await b.done
    expect(rb.status).toBe(0)
    expect(rb.stderr).toMatch(/warning: node slow \([0-9a-f]{12}\): breaking a stale lock: its owner \(pid \d+ on .*\) is no longer running/)
    expect(byId(JSON.parse(rb.stdout).variations[0].nodes as Array<{ id: string; cached: boolean }>)["slow"]!.cached).toBe(false)
  })

  it("a lock whose lease ran out (another host) is broken; a live one of another host is waited for", async () => {
    const dir = tempDir()
    const config = writeConfig(dir, "lease", chainStages)
    // learn the node keys, then forget the results so the nodes must run again
    const first = byId(runJson([config], dir).variations[0]!.nodes)
    const locks = join(dir, "runs/.store/locks")
    mkdirSync(locks, { recursive: true })
    const owner = (leaseUntil: number) =>
      JSON.stringify({ pid: 1, host: `not-${hostname()}`, process_started: "2026-01-01T00:00:00.000Z", acquired: "2026-01-01T00:00:00.000Z", lease_until: leaseUntil, purpose: "test", token: "t0" })
    writeFileSync(join(locks, `${first["slow"]!.key}.lock`), owner(Date.now() - 1000))
    writeFileSync(join(locks, `${first["after"]!.key}.lock`), owner(Date.now() + 3_600_000))
    const b = audiomlAsync(["run", config, "--json", "--force", "slow", "--force", "after"], dir)
    await untilStderr(b, "waiting: another process is computing this node")
    expect(b.output().stderr).toMatch(/breaking a stale lock: its lease ran out at .* \(owner pid 1 on not-/)
    expect(existsSync(join(locks, `${first["after"]!.key}.lock`))).toBe(true)
    // the other host's run "finishes": its lock goes, and the waiting run goes on
    writeFileSync(join(locks, `${first["after"]!.key}.lock`), owner(Date.now() - 1))
    const rb = await b.done
    expect(rb.status).toBe(0)
  })
})

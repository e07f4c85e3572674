import { describe, expect, it } from "vitest"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { audiomlAsync, repoRoot, runJson, tempDir } from "../helpers/cli.js"

/** The engine test config (its plugin needs the repo's node_modules), run in a fresh folder. */
const project = () => ({ dir: tempDir(), config: join(repoRoot, "test/fixtures/engine/slow.toml") })

/** Start a run and resolve once the slow stage has begun (its upstream is then stored). */
const startUntilSlowStage = async (dir: string, config: string) => {
  const run = audiomlAsync(["run", config], dir)
  for (let i = 0; i < 400 && !run.output().stderr.includes("▶ slow"); i++) await new Promise((r) => setTimeout(r, 25))
  expect(run.output().stderr).toContain("▶ slow")
  await new Promise((r) => setTimeout(r, 200))
  return run
}

describe("interrupted runs", () => {
  it("after SIGKILL mid-node, a rerun succeeds and reuses the nodes that finished", async () => {
    const { dir, config } = project()
    const run = await startUntilSlowStage(dir, config)
    run.child.kill("SIGKILL")
    const killed = await run.done
    expect(killed.signal).toBe("SIGKILL")
    const nodes = runJson([config], dir).variations[0]!.nodes
    expect(nodes.find((n) => n.id === "src")!.cached).toBe(true)
    expect(nodes.find((n) => n.id === "slow")!.cached).toBe(false)
    expect(nodes.find((n) => n.id === "after")!.cached).toBe(false)
  })

  it("SIGINT stops cleanly: exit 130, scratch files removed, finished nodes stay cached", async () => {
    const { dir, config } = project()
    const run = await startUntilSlowStage(dir, config)
    run.child.kill("SIGINT")
    const stopped = await run.done
    expect(stopped.status).toBe(130)
    expect(stopped.stderr).not.toMatch(/\n\s+at /)
    const tmp = readdirSync(join(dir, "runs/.store/tmp"))
    expect(tmp.filter((f) => f.startsWith("scratch-"))).toEqual([])
    const nodes = runJson([config], dir).variations[0]!.nodes
    expect(nodes.find((n) => n.id === "src")!.cached).toBe(true)
  })
})

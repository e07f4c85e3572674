import { beforeAll, describe, expect, it } from "vitest"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, audiomlAsync, repoRoot, runJson, tempDir } from "../../helpers/cli.js"
import { manifestOf } from "./fault-helpers.js"
import { storedFiles } from "../../helpers/stored-files.js"

const config = join(repoRoot, "test/fixtures/engine/faults/tiny-training.toml")
const cpu = { AUDIOML_BACKEND: "cpu" }
const fxModel = (run: string) => manifestOf(run).nodes.find((n) => n.id === "fx_model")!

/** Train in `dir` and get killed (SIGKILL, no cleanup) right after epoch 2's checkpoint is stored. */
const killAfterEpoch2 = async (dir: string) => {
  const run = audiomlAsync(["run", config], dir, { ...cpu, AUDIOML_FAULT: "after:fx_model:epoch:2" })
  const killed = await run.done
  expect(killed.signal).toBe("SIGKILL")
  expect(killed.stderr).toMatch(/fx_model: 10\/20 epoch 2\/4 /) // 5 batches an epoch
  expect(killed.stderr).not.toContain("epoch 3/4")
}

/** The uninterrupted run, once for both tests. */
let reference: string
beforeAll(() => {
  reference = runJson([config], tempDir(), cpu).variations[0]!.run
})

describe("fault: training killed mid-run", () => {
  it("resumes from its checkpoint and stores a model byte-identical to an uninterrupted run; the manifest says so", async () => {
    const dir = tempDir()
    await killAfterEpoch2(dir)
    const r = audioml(["run", config, "--json"], dir, cpu)
    expect(r.status).toBe(0)
    expect(r.stderr).toContain("resumed after epoch 2")
    const resumed = JSON.parse(r.stdout).variations[0]
    const node = fxModel(resumed.run)
    expect(node.resumed_from).toBe("epoch 2")
    expect(node.reason).toBe("new; resumed from epoch 2")
    const expected = fxModel(reference)
    expect(node.key).toBe(expected.key)
    expect(node.artifact).toBe(expected.artifact)
    for (const f of storedFiles(reference, "fx_model")) {
      expect(readFileSync(join(resumed.run, "fx_model", f.name)).equals(readFileSync(join(reference, "fx_model", f.name))), f.name).toBe(true)
    }
  })

  it("a truncated checkpoint is dropped with a warning: gc, verify, rerun and --force all work, with the uninterrupted result", async () => {
    const dir = tempDir()
    await killAfterEpoch2(dir)
    const checkpoints = join(dir, "runs/.store/checkpoints")
    const [record] = readdirSync(checkpoints)
    const text = readFileSync(join(checkpoints, record!), "utf8")
    writeFileSync(join(checkpoints, record!), text.slice(0, text.length / 2))
    const gc = audioml(["cache", "gc", "--dry-run"], dir)
    expect(gc.status).toBe(0)
    expect(gc.stdout).toMatch(/would remove checkpoint [0-9a-f]{12}: record not valid JSON/)
    const rerun = audioml(["run", config, "--json", "--force", "fx_model"], dir, cpu)
    expect(rerun.status).toBe(0)
    expect(rerun.stderr).toMatch(/warning: node fx_model \([0-9a-f]{12}\): checkpoint dropped \(record not valid JSON .*\); starting from the beginning/)
    expect(fxModel(JSON.parse(rerun.stdout).variations[0].run).artifact).toBe(fxModel(reference).artifact)
    expect(audioml(["cache", "verify"], dir).status).toBe(0)
  })
})

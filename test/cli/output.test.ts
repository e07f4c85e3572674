import { describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, repoRoot, runJson, tempDir } from "../helpers/cli.js"
import { resolveFeatureOptions } from "../../src/cli/commands/features.js"

const config = join(repoRoot, "test/fixtures/engine/basic.toml")

describe("what the CLI prints", () => {
  it("--log-level error silences progress, stage lines and the summary; the run folder still goes to stdout", () => {
    const dir = tempDir()
    const r = audioml(["--log-level", "error", "run", config], dir)
    expect(r.status).toBe(0)
    expect(r.stderr).toBe("")
    expect(r.stdout.trim()).toMatch(/runs\/engine-basic\//)
    const loud = audioml(["run", config, "--set", "stages.plus.amount=4"], dir)
    expect(loud.stderr).toContain("▶ plus (test.add) running")
  })

  it("a sweep's summaries each carry their variation's heading, as plan's do", () => {
    const dir = tempDir()
    const r = audioml(["run", config, "--set", "stages.plus.amount=1,2"], dir)
    expect(r.status).toBe(0)
    expect(r.stderr).toContain("engine-basic [1/2] stages.plus.amount=1: 5 stages:")
    expect(r.stderr).toContain("engine-basic [2/2] stages.plus.amount=2: 5 stages:")
    const plan = audioml(["plan", config, "--set", "stages.plus.amount=1,2"], dir)
    expect(plan.stdout).toContain("engine-basic [2/2] stages.plus.amount=2\n")
  })

  it("plan's columns line up when a stage has several inputs", () => {
    const dir = tempDir()
    const rows = audioml(["plan", config], dir).stdout.split("\n").filter((l) => l.startsWith("  "))
    expect(rows.length).toBe(5)
    // the `uses` column (test.*) starts at the same offset on every row, and so does the reason
    const usesAt = rows.map((l) => l.indexOf("test."))
    expect(new Set(usesAt).size).toBe(1)
    const reasonAt = rows.map((l) => l.search(/(new|waits for)/))
    expect(new Set(reasonAt).size).toBe(1)
  })

  it("runs compare with one run says what it needs", () => {
    const dir = tempDir()
    const run = runJson([config], dir).runs[0]!
    const r = audioml(["runs", "compare", run], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("give two or more runs")
    expect(r.stderr).not.toContain("values")
  })

  it("the audioml executable answers --version without loading the CLI, and runs commands through it", () => {
    const bin = join(repoRoot, "dist/cli/bin.js")
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string; bin: Record<string, string> }
    expect(pkg.bin["audioml"]).toBe("dist/cli/bin.js")
    const v = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" })
    expect(v.stdout).toBe(`audioml v${pkg.version}\n`)
    const help = spawnSync(process.execPath, [bin, "validate", "--help"], { encoding: "utf8" })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain("audioml validate")
  })

  it("features --set reads values as TOML, like run --set: a quoted string is a string", () => {
    expect(resolveFeatureOptions(["f0"], ['f0.method="yin"']).f0?.method).toBe("yin")
    expect(resolveFeatureOptions(["f0"], ["f0.method=yin"]).f0?.method).toBe("yin")
    expect(resolveFeatureOptions(["mel"], ["mel.n_mels=64"]).mel?.n_mels).toBe(64)
  })
})

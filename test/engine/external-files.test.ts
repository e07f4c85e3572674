import { describe, expect, it } from "vitest"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot, runJson, tempDir } from "../helpers/cli.js"

describe("files read from outside the store", () => {
  it("their content joins the cache key: an edit reruns the reading stage, an unchanged file does not", () => {
    const dir = tempDir()
    writeFileSync(join(dir, "values.txt"), "1\n2\n3\n")
    writeFileSync(
      join(dir, "read.toml"),
      `name = "reads"\nplugins = [${JSON.stringify(join(repoRoot, "test/fixtures/engine/test-stages.mjs"))}]\n` +
        `[stages.values]\nuses = "test.read"\npath = "values.txt"\n[stages.plus]\nuses = "test.add"\nfrom = "values"\namount = 1\n`
    )
    const config = join(dir, "read.toml")
    const first = runJson([config], dir).variations[0]!.nodes
    expect(first.every((n) => !n.cached)).toBe(true)
    expect(runJson([config], dir).variations[0]!.nodes.every((n) => n.cached)).toBe(true)
    writeFileSync(join(dir, "values.txt"), "1\n2\n4\n")
    const edited = runJson([config], dir).variations[0]!.nodes
    expect(edited[0]).toMatchObject({ id: "values", cached: false, reason: "input files changed: values.txt" })
    expect(edited[1]).toMatchObject({ id: "plus", cached: false })
    // same content written again (new mtime): still a hit
    writeFileSync(join(dir, "values.txt"), "1\n2\n4\n")
    expect(runJson([config], dir).variations[0]!.nodes.every((n) => n.cached)).toBe(true)
  })
})

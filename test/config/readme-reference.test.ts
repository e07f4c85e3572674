import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { refreshReadme } from "../../src/config/reference-docs.js"
import { repoRoot } from "../helpers/cli.js"

describe("README reference", () => {
  it("the generated stage and effect tables match the schemas (run `npm run docs` when this fails)", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
    expect(refreshReadme(readme) === readme, "README.md reference blocks are stale: run `npm run docs`").toBe(true)
  })
})

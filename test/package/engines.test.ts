import { readFileSync } from "node:fs"
import { join } from "node:path"
import semver from "semver"
import { describe, expect, it } from "vitest"

/**
 * `package.json` `engines.node` must be true for every dependency: each Node version our
 * range admits must be admitted by every installed package's own `engines.node`, so that
 * `npm ci --engine-strict` passes on any supported Node (issue: @effect/platform-node 4.1
 * and undici 8 declared node >= 22.19 under our ">= 20").
 */
describe("package engines", () => {
  const root = join(import.meta.dirname, "..", "..")
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines: { node: string } }
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>
  }

  it("our engines range is a subset of every locked package's engines.node", () => {
    const ours = pkg.engines.node
    const violations = Object.entries(lock.packages)
      .filter(([path]) => path !== "")
      .flatMap(([path, entry]) => {
        const theirs = Array.isArray(entry.engines) ? undefined : entry.engines?.node
        return theirs !== undefined && !semver.subset(ours, theirs) ? [`${path} requires node ${theirs}`] : []
      })
    expect(violations).toEqual([])
  })

  it("the running Node satisfies our own range", () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true)
  })
})

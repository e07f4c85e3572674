import { describe, expect, it } from "vitest"
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, audiomlAsync, repoRoot, runJson, tempDir } from "../helpers/cli.js"
import { storedFiles } from "../helpers/stored-files.js"

/** A scratch project: the engine test stages and config copied into a temp folder. */
/** The engine test config (its plugin needs the repo's node_modules), run in a fresh folder. */
const project = () => ({ dir: tempDir(), config: join(repoRoot, "test/fixtures/engine/basic.toml") })

const byId = (nodes: ReadonlyArray<{ id: string; cached: boolean; reason: string; artifact: string }>) =>
  Object.fromEntries(nodes.map((n) => [n.id, n]))

describe("cached pipeline runs", () => {
  it("a second run is all cache hits with identical artifact hashes", () => {
    const { dir, config } = project()
    const first = runJson([config], dir).variations[0]!
    expect(first.nodes.every((n) => !n.cached && n.reason === "new")).toBe(true)
    const second = runJson([config], dir).variations[0]!
    expect(second.nodes.every((n) => n.cached)).toBe(true)
    expect(second.nodes.map((n) => n.artifact)).toEqual(first.nodes.map((n) => n.artifact))
    // the run folder holds the resolved config, the overrides, the manifest and every output
    for (const file of ["config.resolved.json", "overrides.json", "manifest.json", "report.html", "total/numbers.json"]) {
      expect(existsSync(join(second.run, file))).toBe(true)
    }
    expect(readFileSync(join(second.run, "report.html"), "utf8")).toMatch(/<td>total<\/td><td><code>test\.sum<\/code><\/td><td>cached<\/td>/)
    const manifest = JSON.parse(readFileSync(join(second.run, "manifest.json"), "utf8"))
    expect(manifest.environment.node).toBe(process.version)
    expect(manifest.nodes.find((n: { id: string }) => n.id === "total").file_count).toBe(1)
    expect(storedFiles(second.run, "total")[0]!.name).toBe("numbers.json")
    // clamp leaves plus's numbers unchanged: the identical bytes are one stored object
    const sha = (id: string) => storedFiles(second.run, id)[0]!.sha256
    expect(sha("clamp")).toBe(sha("plus"))
    expect(readdirSync(join(dir, "runs/.store/objects", sha("plus").slice(0, 2)))).toContain(sha("plus").slice(2))
    // each stage folder links to runs/.nodes/<key>, made once and shared by both runs; its files
    // are hard links of the stored objects (the same inode)
    const total = manifest.nodes.find((n: { id: string }) => n.id === "total")
    expect(lstatSync(join(second.run, "total")).isSymbolicLink()).toBe(true)
    expect(realpathSync(join(second.run, "total"))).toBe(realpathSync(join(dir, "runs/.nodes", total.key)))
    expect(realpathSync(join(first.run, "total"))).toBe(realpathSync(join(second.run, "total")))
    const stored = join(dir, "runs/.store/objects", sha("total").slice(0, 2), sha("total").slice(2))
    expect(statSync(join(second.run, "total/numbers.json")).ino).toBe(statSync(stored).ino)
  })

  it("a changed parameter reruns exactly its stage and what is downstream, saying why", () => {
    const { dir, config } = project()
    runJson([config], dir)
    const nodes = byId(runJson([config, "--set", "stages.plus.amount=10"], dir).variations[0]!.nodes)
    expect(nodes["src"]!.cached).toBe(true)
    expect(nodes["other"]!.cached).toBe(true)
    expect(nodes["plus"]).toMatchObject({ cached: false, reason: "params changed: stages.plus.amount" })
    expect(nodes["clamp"]).toMatchObject({ cached: false, reason: "input changed: plus" })
    expect(nodes["total"]).toMatchObject({ cached: false, reason: "input changed: clamp" })
  })

  it("a change that leaves an upstream output byte-identical does not rerun its downstream", () => {
    const { dir, config } = project()
    const before = byId(runJson([config], dir).variations[0]!.nodes)
    // every value is far below both bounds: clamp reruns, its output bytes do not change
    const after = byId(runJson([config, "--set", "stages.clamp.max=1e8"], dir).variations[0]!.nodes)
    expect(after["clamp"]).toMatchObject({ cached: false, reason: "params changed: stages.clamp.max" })
    expect(after["clamp"]!.artifact).toBe(before["clamp"]!.artifact)
    expect(after["total"]!.cached).toBe(true)
  })

  it("--force reruns a cached stage", () => {
    const { dir, config } = project()
    runJson([config], dir)
    const nodes = byId(runJson([config, "--force", "plus"], dir).variations[0]!.nodes)
    expect(nodes["plus"]).toMatchObject({ cached: false, reason: "forced" })
    expect(nodes["clamp"]!.cached).toBe(true)
  })

  it("a sweep of 3 values over a downstream stage computes the shared upstream once", () => {
    const { dir, config } = project()
    const result = runJson([config, "--set", "stages.clamp.max=100,200,300"], dir)
    expect(result.variations).toHaveLength(3)
    const ranSrc = result.variations.filter((v) => v.nodes.find((n) => n.id === "src")!.cached === false)
    const ranPlus = result.variations.filter((v) => v.nodes.find((n) => n.id === "plus")!.cached === false)
    expect(ranSrc).toHaveLength(1)
    expect(ranPlus).toHaveLength(1)
    expect(result.variations.every((v) => v.nodes.find((n) => n.id === "clamp")!.cached === false)).toBe(true)
    const index = JSON.parse(readFileSync(result.sweep_index!, "utf8"))
    expect(index.variations.map((v: { values: Record<string, unknown> }) => v.values["stages.clamp.max"])).toEqual([100, 200, 300])
  })

  it("a corrupted stored object is detected, warned about, recomputed, and the run succeeds", () => {
    const { dir, config } = project()
    const first = byId(runJson([config], dir).variations[0]!.nodes)
    const plusFile = storedFiles(runJson([config], dir).runs[0]!, "plus")[0]!
    const objectPath = join(dir, "runs/.store/objects", plusFile.sha256.slice(0, 2), plusFile.sha256.slice(2))
    chmodSync(objectPath, 0o644)
    const bytes = readFileSync(objectPath)
    bytes[0] = bytes[0]! ^ 0xff
    writeFileSync(objectPath, bytes)
    const r = audioml(["run", config, "--json"], dir)
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/warning: node plus .*numbers\.json.* is corrupt/)
    const nodes = byId(JSON.parse(r.stdout).variations[0].nodes)
    expect(nodes["plus"]).toMatchObject({ cached: false, reason: "corrupt entry" })
    expect(nodes["plus"]!.artifact).toBe(first["plus"]!.artifact)
    expect(nodes["clamp"]!.cached).toBe(true)
  })

  it("two concurrent runs of one config on one store both succeed with the same results", async () => {
    const { dir, config } = project()
    const a = audiomlAsync(["run", config, "--json", "--set", "stages.plus.amount=5"], dir)
    const b = audiomlAsync(["run", config, "--json", "--set", "stages.plus.amount=5"], dir)
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect(ra.status).toBe(0)
    expect(rb.status).toBe(0)
    const artifacts = (s: string) => JSON.parse(s).variations[0].nodes.map((n: { artifact: string }) => n.artifact)
    expect(artifacts(ra.stdout)).toEqual(artifacts(rb.stdout))
    expect(readdirSync(join(dir, "runs/engine-basic"))).toHaveLength(2)
  })
})

import { describe, expect, it } from "vitest"
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, runJson, tempDir } from "../../helpers/cli.js"
import { writeConfig } from "./fault-helpers.js"

const stages = `[stages.src]\nuses = "test.source"\ncount = 5\n[stages.plus]\nuses = "test.add"\nfrom = "src"\namount = 3\n[stages.clamp]\nuses = "test.clamp"\nfrom = "plus"\nmax = 400\n`

const project = () => {
  const dir = tempDir()
  return { dir, config: writeConfig(dir, "meta", stages), store: join(dir, "runs/.store") }
}

/** Every validation memo file of the store. */
const memos = (store: string) =>
  readdirSync(join(store, "validated")).flatMap((p) => readdirSync(join(store, "validated", p)).map((f) => join(store, "validated", p, f)))

describe("fault: store metadata is checked, never trusted", () => {
  it("an edited validation memo cannot change resolved params (count = 5 stays 5); verify reports it", () => {
    const { dir, config, store } = project()
    const first = runJson([config], dir).variations[0]!
    const edit = () => {
      for (const m of memos(store)) writeFileSync(m, readFileSync(m, "utf8").replace('"count":5', '"count":6'))
    }
    edit()
    const again = runJson([config], dir).variations[0]!
    expect(again.nodes.map((n) => n.key)).toEqual(first.nodes.map((n) => n.key))
    expect(again.nodes.every((n) => n.cached)).toBe(true)
    edit()
    const verify = audioml(["cache", "verify"], dir)
    expect(verify.status).toBe(1)
    expect(verify.stdout).toMatch(/dropped validation memo .*: checksum mismatch/)
  })

  it("an entry naming a file outside the run folder is refused and recomputed; nothing is linked outside", () => {
    const { dir, config, store } = project()
    const first = runJson([config], dir).variations[0]!
    const plus = first.nodes.find((n) => n.id === "plus")!
    const path = join(store, "nodes", `${plus.key}.json`)
    const entry = JSON.parse(readFileSync(path, "utf8"))
    entry.files[0].name = "../../../escaped.json"
    writeFileSync(path, JSON.stringify(entry))
    const r = audioml(["run", config, "--json"], dir)
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/warning: node plus \([0-9a-f]{12}\): entry unreadable: files\[0\] file name "\.\.\/\.\.\/\.\.\/escaped\.json" has an empty, "\." or "\.\." segment; recomputing/)
    const nodes = JSON.parse(r.stdout).variations[0].nodes as Array<{ id: string; cached: boolean; reason: string; artifact: string }>
    expect(nodes.find((n) => n.id === "plus")).toMatchObject({ cached: false, reason: "entry unreadable", artifact: plus.artifact })
    expect(existsSync(join(dir, "escaped.json"))).toBe(false)
    expect(existsSync(join(dir, "runs/escaped.json"))).toBe(false)
  })

  it("an unparseable entry is reported as unreadable, not silently rerun as new", () => {
    const { dir, config, store } = project()
    const first = runJson([config], dir).variations[0]!
    const src = first.nodes.find((n) => n.id === "src")!
    writeFileSync(join(store, "nodes", `${src.key}.json`), '{"key": "tru')
    const r = audioml(["run", config, "--json"], dir)
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/warning: node src \([0-9a-f]{12}\): entry unreadable: not valid JSON .*; recomputing/)
    const plan = audioml(["plan", config], dir)
    expect(plan.status).toBe(0)
    const nodes = JSON.parse(r.stdout).variations[0].nodes as Array<{ id: string; reason: string; cached: boolean }>
    expect(nodes.find((n) => n.id === "src")).toMatchObject({ cached: false, reason: "entry unreadable" })
    // the recomputed output is identical, so downstream stays cached
    expect(nodes.find((n) => n.id === "plus")!.cached).toBe(true)
  })

  it("cache verify checks report objects too", () => {
    const { dir, config, store } = project()
    const first = runJson([config], dir).variations[0]!
    const clamp = first.nodes.find((n) => n.id === "clamp")!
    const entry = JSON.parse(readFileSync(join(store, "nodes", `${clamp.key}.json`), "utf8"))
    expect(entry.report).toBeDefined()
    const object = join(store, "objects", entry.report.sha256.slice(0, 2), entry.report.sha256.slice(2))
    chmodSync(object, 0o644)
    writeFileSync(object, readFileSync(object, "utf8").replace("clamped", "Clamped"))
    const verify = audioml(["cache", "verify"], dir)
    expect(verify.status).toBe(1)
    expect(verify.stdout).toMatch(/corrupt: node clamp \([0-9a-f]{12}\): report\.json \([0-9a-f]{12}\): checksum mismatch — entry dropped/)
  })

  it("a corrupt checkpoint record is dropped by verify with why, and gc does not fail on it", () => {
    const { dir, config, store } = project()
    runJson([config], dir)
    mkdirSync(join(store, "checkpoints"))
    writeFileSync(join(store, "checkpoints", "0".repeat(64) + ".json"), '{"sha256":"ab","value":{"label":"epoch 1","objects":[]}}')
    const gc = audioml(["cache", "gc", "--grace-minutes", "0"], dir)
    expect(gc.status).toBe(0)
    expect(gc.stdout).toMatch(/dropped checkpoint 000000000000: record checksum mismatch/)
    writeFileSync(join(store, "checkpoints", "1".repeat(64) + ".json"), "{")
    const verify = audioml(["cache", "verify"], dir)
    expect(verify.status).toBe(1)
    expect(verify.stdout).toMatch(/dropped checkpoint 111111111111: record not valid JSON/)
  })
})

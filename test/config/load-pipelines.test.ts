import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { testRegistry } from "./test-stages.js"
import { configDir, load, loadError } from "./config-files.js"

const pipeline = `#:schema ../schemas/pipeline.schema.json
[stages.model]
uses = "test.model"
from = "pair"

[stages.pair]
uses = "test.pair"
from = { input = "dry", target = "wet" }

[stages.wet]
uses = "test.chain"
from = "dry"
chain = [{ uses = "fx.eq", freq = 800 }, { uses = "fx.drive", drive_db = 24 }]

[stages.dry]
uses = "test.source"
clips = 8
`

describe("loading a config", () => {
  test("fills top-level and param defaults, injects sample_rate, orders nodes topologically", async () => {
    const dir = configDir({ "train.toml": pipeline })
    const { pipelines } = await load(join(dir, "train.toml"))
    expect(pipelines).toHaveLength(1)
    const p = pipelines[0]!
    expect(p.name).toBe("train")
    expect(p.seed).toBe(0)
    expect(p.sampleRate).toBe(44100)
    expect(p.configFile).toBe(join(dir, "train.toml"))
    expect(p.configDir).toBe(dir)
    expect(p.variation).toBeUndefined()
    expect(p.overrides).toEqual({})
    // Written consumer-first; every input comes before its consumer.
    expect(p.nodes.map((n) => n.id)).toEqual(["dry", "wet", "pair", "model"])
    const byId = Object.fromEntries(p.nodes.map((n) => [n.id, n]))
    expect(byId["dry"]!.params).toEqual({ clips: 8, gain_db: 0, mode: "sine", sample_rate: 44100 })
    expect(byId["wet"]!.params).toEqual({
      chain: [
        { uses: "fx.eq", freq: 800, q: 0.7 },
        { uses: "fx.drive", drive_db: 24 }
      ]
    })
    expect(byId["wet"]!.inputs).toEqual({ audio: "dry" })
    expect(byId["pair"]!.inputs).toEqual({ input: "dry", target: "wet" })
    expect(byId["model"]!.params).toEqual({ hidden: 32, lr: 0.001 })
    const resolved = p.resolved as Record<string, any>
    expect(resolved["name"]).toBe("train")
    expect(resolved["seed"]).toBe(0)
    expect(resolved["sample_rate"]).toBe(44100)
    expect(resolved["stages"]["wet"]).toEqual({ uses: "test.chain", from: "dry", ...byId["wet"]!.params })
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved)
  })

  test("the pipeline sample_rate fills stages that omit it; an explicit one is kept", async () => {
    const dir = configDir({
      "a.toml": `name = "sr"\nseed = 9\nsample_rate = 22050\n[stages.a]\nuses = "test.source"\n[stages.b]\nuses = "test.source"\nsample_rate = 8000\n`
    })
    const [p] = (await load(join(dir, "a.toml"))).pipelines
    expect(p!.name).toBe("sr")
    expect(p!.seed).toBe(9)
    expect(p!.sampleRate).toBe(22050)
    expect(p!.nodes.find((n) => n.id === "a")!.params["sample_rate"]).toBe(22050)
    expect(p!.nodes.find((n) => n.id === "b")!.params["sample_rate"]).toBe(8000)
    // test.model has no sample_rate param: nothing is injected.
  })

  test("an optional port may stay open; a string from feeds the one required port", async () => {
    const dir = configDir({ "a.toml": `[stages.a]\nuses = "test.source"\n[stages.m]\nuses = "test.mix"\nfrom = "a"\n` })
    const [p] = (await load(join(dir, "a.toml"))).pipelines
    expect(p!.nodes[1]!.inputs).toEqual({ main: "a" })
  })
})

describe("extends", () => {
  test("deep-merges the base under the file; this file wins", async () => {
    const dir = configDir({
      "base.toml": `seed = 5\nsample_rate = 16000\n[stages.dry]\nuses = "test.source"\nclips = 3\ngain_db = -6\n[stages.wet]\nuses = "test.chain"\nfrom = "dry"\nchain = [{ uses = "fx.drive" }]\n`,
      "exp/child.toml": `extends = "../base.toml"\nseed = 7\n[stages.dry]\nclips = 10\n[stages.wet]\nchain = [{ uses = "fx.eq" }]\n`
    })
    const [p] = (await load(join(dir, "exp/child.toml"))).pipelines
    expect(p!.name).toBe("child")
    expect(p!.seed).toBe(7)
    expect(p!.sampleRate).toBe(16000)
    expect(p!.nodes[0]!.params).toEqual({ clips: 10, gain_db: -6, mode: "sine", sample_rate: 16000 })
    // Arrays are replaced, not merged.
    expect(p!.nodes[1]!.params).toEqual({ chain: [{ uses: "fx.eq", freq: 1000, q: 0.7 }] })
    expect((p!.resolved as Record<string, unknown>)["extends"]).toBeUndefined()
  })

  test("a stage whose uses changes is replaced whole, not merged", async () => {
    const dir = configDir({
      "base.toml": `[stages.a]\nuses = "test.source"\nclips = 3\n[stages.m]\nuses = "test.mix"\nfrom = "a"\namount = 0.9\n`,
      "child.toml": `extends = "base.toml"\n[stages.m]\nuses = "test.chain"\nfrom = "a"\n`
    })
    const [p] = (await load(join(dir, "child.toml"))).pipelines
    expect(p!.nodes[1]!).toEqual({ id: "m", uses: "test.chain", params: { chain: [] }, inputs: { audio: "a" } })
  })

  test("a stage set to false in the extending file is removed; a dangling from is then reported", async () => {
    const dir = configDir({
      "base.toml": `[stages.a]\nuses = "test.source"\n[stages.b]\nuses = "test.source"\n[stages.m]\nuses = "test.mix"\nfrom = "a"\n`,
      "child.toml": `extends = "base.toml"\n[stages]\nb = false\n`,
      "broken.toml": `extends = "base.toml"\n[stages]\na = false\n`
    })
    const [p] = (await load(join(dir, "child.toml"))).pipelines
    expect(p!.nodes.map((n) => n.id)).toEqual(["a", "m"])
    const err = await loadError(join(dir, "broken.toml"))
    expect(err.format()).toContain('"a"')
  })

  test("chains of extends resolve each path relative to its own file", async () => {
    const dir = configDir({
      "c/root.toml": `sample_rate = 8000\n[stages.a]\nuses = "test.source"\nclips = 1\n`,
      "b/mid.toml": `extends = "../c/root.toml"\nseed = 2\n[stages.a]\nclips = 2\nmode = "noise"\n`,
      "top.toml": `extends = "b/mid.toml"\n[stages.a]\nclips = 3\n`
    })
    const [p] = (await load(join(dir, "top.toml"))).pipelines
    expect(p!.seed).toBe(2)
    expect(p!.sampleRate).toBe(8000)
    expect(p!.nodes[0]!.params).toEqual({ clips: 3, gain_db: 0, mode: "noise", sample_rate: 8000 })
  })

  test("a cycle is reported naming the chain", async () => {
    const dir = configDir({ "a.toml": `extends = "b.toml"\n`, "b.toml": `extends = "c.toml"\n`, "c.toml": `extends = "a.toml"\n` })
    const text = (await loadError(join(dir, "a.toml"))).format()
    expect(text).toContain("extends: extends cycle:")
    expect(text).toMatch(/a\.toml -> .*b\.toml -> .*c\.toml -> .*a\.toml/)
  })

  test("a missing base is reported with the path it resolved to", async () => {
    const dir = configDir({ "a.toml": `extends = "nope/base.toml"\n` })
    const err = await loadError(join(dir, "a.toml"))
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]!.path).toBe("extends")
    expect(err.issues[0]!.message).toContain(join(dir, "nope/base.toml"))
  })
})

describe("--set", () => {
  const files = {
    "a.toml": `[stages.dry]\nuses = "test.source"\n[stages.wet]\nuses = "test.chain"\nfrom = "dry"\nchain = [{ uses = "fx.eq" }, { uses = "fx.drive" }]\n[stages.pair]\nuses = "test.pair"\nfrom = { input = "dry", target = "wet" }\n[stages.model]\nuses = "test.model"\nfrom = "pair"\n`
  }
  const node = (p: { nodes: ReadonlyArray<{ id: string; params: Readonly<Record<string, unknown>> }> }, id: string) =>
    p.nodes.find((n) => n.id === id)!.params

  test("scalar, indexed path, bare and quoted strings, arrays, inline tables", async () => {
    const file = join(configDir(files), "a.toml")
    const [p] = (
      await load(file, [
        "stages.model.hidden=64",
        "stages.wet.chain[1].drive_db=12.5",
        "stages.dry.mode=noise",
        'stages.dry.label="a, b"',
        "stages.dry.gain_db={ uniform = [-3, 3] }",
        "seed=11"
      ])
    ).pipelines
    expect(node(p!, "model")["hidden"]).toBe(64)
    expect(node(p!, "wet")["chain"]).toEqual([
      { uses: "fx.eq", freq: 1000, q: 0.7 },
      { uses: "fx.drive", drive_db: 12.5 }
    ])
    expect(node(p!, "dry")).toMatchObject({ mode: "noise", label: "a, b", gain_db: { uniform: [-3, 3] } })
    expect(p!.seed).toBe(11)
    expect(p!.variation).toBeUndefined()
    expect(p!.overrides).toEqual({
      "stages.model.hidden": 64,
      "stages.wet.chain[1].drive_db": 12.5,
      "stages.dry.mode": "noise",
      "stages.dry.label": "a, b",
      "stages.dry.gain_db": { uniform: [-3, 3] },
      seed: 11
    })
  })

  test("an array value replaces a whole list", async () => {
    const file = join(configDir(files), "a.toml")
    const [p] = (await load(file, ['stages.wet.chain=[{ uses = "fx.drive", drive_db = 3 }]'])).pipelines
    expect(node(p!, "wet")["chain"]).toEqual([{ uses: "fx.drive", drive_db: 3 }])
  })

  test("a comma list is a sweep; the last --set of a path wins", async () => {
    const file = join(configDir(files), "a.toml")
    const { pipelines } = await load(file, ["stages.model.hidden=16,32,64", "stages.dry.clips=2"])
    expect(pipelines.map((p) => node(p, "model")["hidden"])).toEqual([16, 32, 64])
    expect(pipelines.map((p) => p.variation)).toEqual([0, 1, 2].map((index) => ({ index, count: 3, values: { "stages.model.hidden": [16, 32, 64][index] } })))
    expect(pipelines[2]!.overrides).toEqual({ "stages.dry.clips": 2, "stages.model.hidden": 64 })
    const single = await load(file, ["stages.model.hidden=16,32", "stages.model.hidden=8"])
    expect(single.pipelines).toHaveLength(1)
    expect(node(single.pipelines[0]!, "model")["hidden"]).toBe(8)
  })

  test("bad --set arguments are config errors naming the argument", async () => {
    const file = join(configDir(files), "a.toml")
    const err = await loadError(file, ["nonsense", "stages..x=1", "stages.dry.clips[0]=1", "stages.wet.chain[5].drive_db=1", "stages.model.hidden="])
    expect(err.issues.map((i) => i.path)).toEqual([
      "--set nonsense",
      "--set stages..x=1",
      "--set stages.model.hidden=",
      "--set stages.dry.clips[0]=1",
      "--set stages.wet.chain[5].drive_db=1"
    ])
    expect(err.format()).toContain("stages.dry.clips is not an array")
  })
})

describe("--set and [sweep] name stages the config has", () => {
  const files = { "a.toml": `[stages.dry]\nuses = "test.source"\n[stages.fx_model]\nuses = "test.source"\n` }

  test("a mistyped stage id is an error with a did-you-mean, not a new stage", async () => {
    const file = join(configDir(files), "a.toml")
    const err = await loadError(file, ["stages.fxmodel.hidden=64", "stages.fx_modle.hidden=8,16"])
    expect(err.issues.map((i) => i.path)).toEqual(["--set stages.fxmodel.hidden=64", "--set stages.fx_modle.hidden=8,16"])
    expect(err.issues[0]!.message).toBe('no stage "fxmodel" in this config — did you mean "fx_model"? (stages: dry, fx_model)')
    expect(err.issues[1]!.message).toContain('did you mean "fx_model"?')
  })

  test("a [sweep] path with an unknown stage is reported at its sweep key", async () => {
    const file = join(configDir({ "a.toml": `${files["a.toml"]}[sweep]\n"stages.fx_mdl.hidden" = [8, 16]\n` }), "a.toml")
    const err = await loadError(file)
    expect(err.issues[0]!.message).toContain('no stage "fx_mdl" in this config — did you mean "fx_model"?')
  })

  test("a whole new stage table with its uses may still be added from the command line", async () => {
    const file = join(configDir(files), "a.toml")
    const { pipelines } = await load(file, ['stages.extra={ uses = "test.source" }'])
    expect(pipelines[0]!.nodes.map((n) => n.id)).toContain("extra")
  })
})

describe("sweeps", () => {
  const base = `[stages.dry]\nuses = "test.source"\n[stages.m]\nuses = "test.mix"\nfrom = "dry"\n`

  test("[sweep] expands to the grid, keys in sorted order, values in given order", async () => {
    const file = join(configDir({ "a.toml": `${base}[sweep]\n"stages.m.amount" = [0.1, 0.9]\n"seed" = [3, 1, 2]\n` }), "a.toml")
    const { pipelines } = await load(file)
    expect(pipelines).toHaveLength(6)
    expect(pipelines.map((p) => [p.seed, p.nodes[1]!.params["amount"]])).toEqual([
      [3, 0.1],
      [3, 0.9],
      [1, 0.1],
      [1, 0.9],
      [2, 0.1],
      [2, 0.9]
    ])
    expect(pipelines[4]!.variation).toEqual({ index: 4, count: 6, values: { seed: 2, "stages.m.amount": 0.1 } })
    expect(pipelines[4]!.overrides).toEqual({ seed: 2, "stages.m.amount": 0.1 })
    expect((pipelines[4]!.resolved as Record<string, unknown>)["sweep"]).toBeUndefined()
    expect((pipelines[4]!.resolved as Record<string, any>)["stages"]["m"]["amount"]).toBe(0.1)
  })

  test("unquoted dotted keys in [sweep] (nested tables) work too", async () => {
    const file = join(configDir({ "a.toml": `${base}[sweep]\nstages.m.amount = [0.1, 0.9]\n` }), "a.toml")
    const { pipelines } = await load(file)
    expect(pipelines.map((p) => p.variation!.values)).toEqual([{ "stages.m.amount": 0.1 }, { "stages.m.amount": 0.9 }])
  })

  test("--set combines with [sweep]: a single value fixes a swept path, a list adds an axis", async () => {
    const file = join(configDir({ "a.toml": `${base}[sweep]\n"stages.m.amount" = [0.1, 0.9]\n"seed" = [3, 1]\n` }), "a.toml")
    const fixed = await load(file, ["seed=7"])
    expect(fixed.pipelines.map((p) => p.seed)).toEqual([7, 7])
    expect(fixed.pipelines[1]!.overrides).toEqual({ seed: 7, "stages.m.amount": 0.9 })
    const more = await load(file, ["stages.dry.clips=1,2"])
    expect(more.pipelines).toHaveLength(8)
    expect(more.pipelines[7]!.variation!.values).toEqual({ seed: 1, "stages.dry.clips": 2, "stages.m.amount": 0.9 })
  })

  test("an invalid sweep value is reported once with its path", async () => {
    const file = join(configDir({ "a.toml": `${base}[sweep]\n"stages.m.amount" = [0.5, 2]\n"seed" = [1, 2, 3]\n` }), "a.toml")
    const err = await loadError(file)
    expect(err.issues).toEqual([{ path: "stages.m.amount", message: "must be <= 1 (got 2)" }])
  })
})

describe("plugins", () => {
  const plugin = (uses: string) => `
const schema = { type: "object", additionalProperties: false, properties: { level: { type: "number", minimum: 0, maximum: 1, default: 0.25 } } }
export const stages = [{
  uses: "${uses}", version: 1, description: "a plugin stage", params: schema,
  inputs: { audio: { kinds: ["A"] } }, output: "A",
  run: () => { throw new Error("not run in config tests") }
}]
`
  test("stages from plugins (relative to the file listing them) join a copy of the registry", async () => {
    const dir = configDir({
      "lib/my-stages.mjs": plugin("custom.level"),
      "other.js": `export default { stages: [] }\n`,
      "base/base.toml": `plugins = ["../lib/my-stages.mjs"]\n`,
      "a.toml": `extends = "base/base.toml"\nplugins = ["other.js", "lib/my-stages.mjs"]\n[stages.a]\nuses = "test.source"\n[stages.l]\nuses = "custom.level"\nfrom = "a"\n`
    })
    const input = testRegistry()
    const { pipelines, registry } = await load(join(dir, "a.toml"), [], input)
    expect(registry.get("custom.level")?.description).toBe("a plugin stage")
    expect(input.get("custom.level")).toBeUndefined()
    expect(registry.get("test.source")).toBeDefined()
    expect(pipelines[0]!.nodes[1]!).toEqual({ id: "l", uses: "custom.level", params: { level: 0.25 }, inputs: { audio: "a" } })
    expect((pipelines[0]!.resolved as Record<string, unknown>)["plugins"]).toEqual([join("lib", "my-stages.mjs"), "other.js"])
  })

  test("a default-exported array works; broken plugins are reported by index", async () => {
    const dir = configDir({
      "ok.mjs": plugin("custom.one").replace("export const stages =", "export default"),
      "none.mjs": `export const x = 1\n`,
      "bad.mjs": `export const stages = [{ uses: "custom.bad", version: 1 }]\n`,
      "dup.mjs": plugin("test.source"),
      "a.toml": `plugins = ["ok.mjs", "missing.mjs", "none.mjs", "bad.mjs", "dup.mjs", "x.py"]\n[stages.a]\nuses = "custom.one"\n`
    })
    const err = await loadError(join(dir, "a.toml"))
    const lines = err.format().split("\n")
    expect(lines).toHaveLength(5)
    expect(lines[0]).toMatch(/: plugins\[1\]: file not found: .*missing\.mjs$/)
    expect(lines[1]).toMatch(/: plugins\[2\]: .*exports no `stages` array/)
    expect(lines[2]).toMatch(/: plugins\[3\]: .*stages\[0\] stage "custom.bad" has no `params` schema/)
    expect(lines[3]).toMatch(/: plugins\[4\]: .*stage kind "test.source" is already defined/)
    expect(lines[4]).toMatch(/: plugins\[5\]: .*must be a .js or .mjs module/)
  })
})

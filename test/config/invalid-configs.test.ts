import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { configDir, loadError } from "./config-files.js"

/** A valid pipeline the cases below break in one place each. */
const dry = `[stages.dry]\nuses = "test.source"\n`
const wet = `[stages.wet]\nuses = "test.chain"\nfrom = "dry"\n`

interface Case {
  readonly name: string
  readonly config: string
  readonly set?: ReadonlyArray<string>
  readonly extra?: Record<string, string>
  /** How many lines the whole error must have, when it matters. */
  readonly lines?: number
  /** The file the error is reported in (default a.toml). */
  readonly at?: string
  /** The line the error must print: `<file>: <path>: <message fragment>` (file prefix added). */
  readonly expect: string
}

const cases: ReadonlyArray<Case> = [
  { name: "typo in a param key", config: `${dry}clip = 3\n`, expect: `stages.dry.clip: unknown key "clip" — did you mean "clips"?` },
  { name: "typo of uses/from at a stage's top", config: `${dry}${wet.replace("from", "form")}`, expect: `stages.wet.form: unknown key "form" — did you mean "from"?` },
  {
    name: "typo in uses",
    config: `[stages.dry]\nuses = "test.sorce"\n`,
    expect: `stages.dry.uses: unknown stage kind "test.sorce" — did you mean "test.source"? (known: test.chain, test.mix, test.model, test.pair, test.source)`
  },
  { name: "missing uses", config: `[stages.dry]\nclips = 3\n`, expect: `stages.dry: missing required key "uses"` },
  { name: "wrong type", config: `${dry}clips = "four"\n`, expect: `stages.dry.clips: must be an integer (got a string "four")` },
  {
    name: "wrong type for a number-or-distribution",
    config: `${dry}gain_db = "loud"\n`,
    expect: `stages.dry.gain_db: must be a number (>= -60, <= 60) or a distribution ({ uniform = [a, b] }`
  },
  { name: "enum typo", config: `${dry}mode = "nois"\n`, expect: `stages.dry.mode: must be one of "sine", "noise" (got "nois") — did you mean "noise"?` },
  { name: "out of range", config: `${dry}${wet}chain = [{ uses = "fx.eq" }, { uses = "fx.drive", drive_db = 75 }]\n`, expect: `stages.wet.chain[1].drive_db: must be <= 60 (got 75)` },
  { name: "out of range inside a distribution", config: `${dry}gain_db = { uniform = [-6, 90] }\n`, expect: `stages.dry.gain_db.uniform[1]: must be <= 60 (got 90)` },
  { name: "distribution with a typo", config: `${dry}gain_db = { unifrom = [-6, 6] }\n`, expect: `stages.dry.gain_db.unifrom: unknown key "unifrom" — did you mean "uniform"?` },
  { name: "distribution of the wrong length", config: `${dry}gain_db = { uniform = [-6] }\n`, expect: `stages.dry.gain_db.uniform: must have exactly 2 items (got 1)` },
  {
    name: "distribution with two kinds",
    config: `${dry}gain_db = { uniform = [-6, 6], normal = [0, 1] }\n`,
    expect: `stages.dry.gain_db: a distribution has exactly one key: uniform, log_uniform, normal or choice`
  },
  { name: "unknown key inside a tagged list item", config: `${dry}${wet}chain = [{ uses = "fx.eq", frq = 100 }]\n`, expect: `stages.wet.chain[0].frq: unknown key "frq" — did you mean "freq"?` },
  {
    name: "unknown uses inside a tagged list",
    config: `${dry}${wet}chain = [{ uses = "fx.driv" }]\n`,
    expect: `stages.wet.chain[0].uses: unknown value "fx.driv" — did you mean "fx.drive"? (known: fx.drive, fx.eq)`
  },
  { name: "list item without uses", config: `${dry}${wet}chain = [{ freq = 100 }]\n`, expect: `stages.wet.chain[0]: missing required key "uses"` },
  { name: "from naming a missing stage", config: `${dry}${wet.replace('"dry"', '"dyr"')}`, expect: `stages.wet.from: no stage "dyr" — did you mean "dry"?` },
  { name: "from table with an unknown port", config: `${dry}[stages.m]\nuses = "test.mix"\nfrom = { main = "dry", sid = "dry" }\n`, expect: `stages.m.from.sid: unknown input port "sid" — did you mean "side"?` },
  { name: "from on a stage without inputs", config: `${dry}[stages.b]\nuses = "test.source"\nfrom = "dry"\n`, expect: `stages.b.from: stage kind "test.source" takes no inputs` },
  { name: "missing required input port", config: `${dry}[stages.wet]\nuses = "test.chain"\n`, expect: `stages.wet.from: missing input "audio" (expects A)` },
  {
    name: "string from for a stage with several required ports",
    config: `${dry}[stages.p]\nuses = "test.pair"\nfrom = "dry"\n`,
    expect: `stages.p.from: stage kind "test.pair" has several input ports (input, target)`
  },
  { name: "port kind mismatch", config: `${dry}[stages.model]\nuses = "test.model"\nfrom = "dry"\n`, expect: `stages.model.from: expects B, "dry" produces A` },
  {
    name: "port kind mismatch through a sameAs output",
    config: `${dry}${wet}[stages.model]\nuses = "test.model"\nfrom = { data = "wet" }\n`,
    expect: `stages.model.from.data: expects B, "wet" produces A`
  },
  {
    name: "cycle",
    config: `${dry}[stages.a]\nuses = "test.mix"\nfrom = { main = "dry", side = "b" }\n[stages.b]\nuses = "test.chain"\nfrom = "a"\n`,
    expect: `stages: cycle a -> b -> a`
  },
  { name: "self loop", config: `[stages.a]\nuses = "test.chain"\nfrom = "a"\n`, expect: `stages: cycle a -> a` },
  { name: "stage that is not a table", config: `[stages]\nx = 3\n`, expect: `stages.x: must be a table (got an integer 3)` },
  { name: "bad stage id", config: `[stages."my stage"]\nuses = "test.source"\n`, expect: `stages."my stage": a stage id must start with a letter` },
  { name: "no stages", config: `seed = 1\n`, expect: `stages: a pipeline needs at least one [stages.<id>] table` },
  {
    name: "pipeline sample_rate out of a stage's range",
    config: `sample_rate = 4000\n${dry}`,
    expect: `stages.dry.sample_rate: must be >= 8000 (got 4000), taken from the pipeline's sample_rate`
  },
  { name: "unknown top-level key", config: `sed = 3\n${dry}`, expect: `sed: unknown key "sed" — did you mean "seed"?` },
  { name: "wrong top-level type", config: `seed = "seven"\n${dry}`, expect: `seed: must be an integer (got a string "seven")` },
  { name: "top-level out of range", config: `sample_rate = 0\n${dry}`, expect: `sample_rate: must be >= 1 (got 0)`, lines: 1 },
  { name: "bad run name", config: `name = "a/b"\n${dry}`, expect: `name: must match the pattern` },
  { name: "sweep with a bad path", config: `${dry}[sweep]\n"stages..clips" = [1, 2]\n`, expect: `sweep."stages..clips": bad path` },
  { name: "sweep value that is not a list", config: `${dry}[sweep]\n"stages.dry.clips" = 3\n`, expect: `sweep."stages.dry.clips": must be a non-empty array` },
  { name: "bad --set: no =", config: dry, set: ["stages.dry.clips"], expect: `--set stages.dry.clips: expected path=value` },
  { name: "bad --set: empty segment", config: dry, set: ["stages..clips=3"], expect: `--set stages..clips=3: bad path` },
  { name: "bad --set: index on a non-array", config: `${dry}clips = 3\n`, set: ["stages.dry.clips[1]=3"], expect: `--set stages.dry.clips[1]=3: stages.dry.clips is not an array` },
  { name: "bad --set: value out of range", config: dry, set: ["stages.dry.clips=1000"], expect: `stages.dry.clips: must be <= 100 (got 1000)` },
  { name: "bad extends: missing file", config: `extends = "base.toml"\n${dry}`, expect: `extends: file not found:` },
  { name: "bad extends: not a string", config: `extends = 3\n${dry}`, expect: `extends: must be a path to a TOML file` },
  {
    name: "bad extends: cycle",
    config: `extends = "b.toml"\n${dry}`,
    extra: { "b.toml": `extends = "a.toml"\n` },
    at: "b.toml",
    expect: `extends: extends cycle:`
  }
]

describe("invalid configs: each problem at its TOML path", () => {
  test.each(cases)("$name", async (c) => {
    const dir = configDir({ "a.toml": c.config, ...c.extra })
    const file = join(dir, "a.toml")
    const text = (await loadError(file, c.set ?? [])).format()
    const prefix = `${join(dir, c.at ?? "a.toml")}: ${c.expect}`
    expect(text.split("\n").some((l) => l.startsWith(prefix)), `expected a line "${prefix}..." in:\n${text}`).toBe(true)
    expect(text).not.toMatch(/\n\s+at /) // no stack trace
    if (c.lines !== undefined) expect(text.split("\n")).toHaveLength(c.lines)
  })

  test("TOML syntax errors give line and column", async () => {
    const dir = configDir({ "a.toml": `seed = 1\n[stages.dry]\nuses = "test.source\nclips = 3\n` })
    const file = join(dir, "a.toml")
    const text = (await loadError(file)).format()
    expect(text).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:\\d+: TOML syntax error: `))
    expect(text.split("\n")).toHaveLength(1)
  })

  test("a syntax error in a base config names that file", async () => {
    const dir = configDir({ "a.toml": `extends = "base.toml"\n${dry}`, "base.toml": `seed = \n` })
    const err = await loadError(join(dir, "a.toml"))
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]).toMatchObject({ line: 1 })
    expect(err.format()).toMatch(/base\.toml:1:\d+: TOML syntax error/)
  })

  test("a missing config file is a config error", async () => {
    const err = await loadError("/nonexistent/dir/x.toml")
    expect(err.format()).toBe("/nonexistent/dir/x.toml: cannot read config: file not found")
  })

  test("every error is reported at once", async () => {
    const config = `sed = 1\n${dry}clips = 0\nmode = "x"\n${wet}chain = [{ uses = "fx.drive", drive_db = -1 }]\n[stages.model]\nuses = "test.model"\nfrom = "wet"\nhiden = 2\n`
    const dir = configDir({ "a.toml": config })
    const err = await loadError(join(dir, "a.toml"), ["stages.dry.gain_db=99", "oops"])
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      ["--set oops", "sed", "stages.dry.clips", "stages.dry.gain_db", "stages.dry.mode", "stages.wet.chain[0].drive_db", "stages.model.hiden", "stages.model.from"].sort()
    )
  })
})

test("ConfigError.message is the formatted text", async () => {
  const dir = configDir({ "a.toml": `sed = 1\n${dry}` })
  const err = await loadError(join(dir, "a.toml"))
  expect(err._tag).toBe("ConfigError")
  expect(err.message).toBe(err.format())
  expect(err.message).toBe(`${join(dir, "a.toml")}: sed: unknown key "sed" — did you mean "seed"?`)
})

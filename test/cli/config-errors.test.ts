import { describe, expect, it } from "vitest"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, repoRoot, tempDir } from "../helpers/cli.js"

const plugin = join(repoRoot, "test/fixtures/engine/test-stages.mjs")

const header = `name = "bad"\nplugins = [${JSON.stringify(plugin)}]\n`
const good = `
[stages.src]
uses = "test.source"
count = 3

[stages.plus]
uses = "test.add"
from = "src"
amount = 1
`

interface Case {
  readonly name: string
  readonly toml: string
  readonly args?: ReadonlyArray<string>
  readonly files?: Readonly<Record<string, string>>
  /** must appear in stderr */
  readonly expect: ReadonlyArray<string | RegExp>
}

const cases: ReadonlyArray<Case> = [
  { name: "typo in a param key", toml: header + good.replace("amount = 1", "amout = 1"), expect: ["stages.plus.amout", 'did you mean "amount"'] },
  { name: "typo in uses", toml: header + good.replace('"test.add"', '"test.ad"'), expect: ["stages.plus.uses", "test.add"] },
  { name: "wrong type", toml: header + good.replace("amount = 1", 'amount = "one"'), expect: ["stages.plus.amount"] },
  { name: "out of range", toml: header + good.replace("count = 3", "count = 0"), expect: ["stages.src.count", ">= 1"] },
  { name: "out of range inside a distribution", toml: header + good.replace("amount = 1", "amount = { uniform = [0, 5000] }"), expect: ["stages.plus.amount"] },
  { name: "unknown distribution", toml: header + good.replace("amount = 1", "amount = { uniformly = [0, 1] }"), expect: ["stages.plus.amount"] },
  { name: "from names a missing stage", toml: header + good.replace('from = "src"', 'from = "scr"'), expect: ["stages.plus.from", '"scr"'] },
  {
    name: "missing input port",
    toml: header + good + `\n[stages.total]\nuses = "test.sum"\nfrom = { a = "src" }\n`,
    expect: ["stages.total.from", "b"]
  },
  {
    name: "port kind mismatch",
    toml: header + good + `\n[stages.text]\nuses = "test.describe"\nfrom = "src"\n\n[stages.more]\nuses = "test.add"\nfrom = "text"\n`,
    expect: ["stages.more.from", "expects Numbers", '"text" produces Text']
  },
  {
    name: "cycle",
    toml: header + `\n[stages.a]\nuses = "test.add"\nfrom = "b"\n\n[stages.b]\nuses = "test.add"\nfrom = "a"\n`,
    expect: [/cycle/, /a -> b|b -> a/]
  },
  { name: "missing uses", toml: header + `\n[stages.lonely]\ncount = 3\n`, expect: ["stages.lonely"] },
  { name: "bad TOML syntax", toml: header + good.replace("amount = 1", "amount = = 1"), expect: [/bad\.toml:\d+:\d+/] },
  { name: "missing extends file", toml: `extends = "nowhere.toml"\n` + header + good, expect: ["extends", "nowhere.toml"] },
  {
    name: "extends cycle",
    toml: `extends = "base.toml"\n` + header + good,
    files: { "base.toml": `extends = "bad.toml"\n` },
    expect: [/extends/, /cycle|bad\.toml -> base\.toml|base\.toml -> bad\.toml/]
  },
  { name: "unknown top-level key", toml: header.replace('name = "bad"', 'name = "bad"\nsead = 3') + good, expect: ["sead", 'did you mean "seed"'] },
  { name: "wrong top-level type", toml: header.replace('name = "bad"', 'name = "bad"\nseed = "seven"') + good, expect: ["seed"] },
  { name: "--set without a value", toml: header + good, args: ["--set", "stages.plus.amount"], expect: ["--set stages.plus.amount"] },
  { name: "--set to an unknown key", toml: header + good, args: ["--set", "stages.plus.amout=2"], expect: ["stages.plus.amout"] },
  { name: "--set out of range", toml: header + good, args: ["--set", "stages.src.count=5000"], expect: ["stages.src.count"] },
  { name: "missing plugin module", toml: header.replace(JSON.stringify(plugin), '"./no-such-plugin.mjs"') + good, expect: ["plugins[0]", "no-such-plugin.mjs"] }
]

describe("invalid configs: exit 2, the TOML path in the message, no stack trace", () => {
  it.each(cases)("$name", (c) => {
    const dir = tempDir()
    writeFileSync(join(dir, "bad.toml"), c.toml)
    for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text)
    // `run` goes through the same loader as `validate`: check it on a few cases to keep the suite fast
    const commands = ["typo in a param key", "cycle", "bad TOML syntax", "--set without a value"].includes(c.name) ? ["validate", "run"] : ["validate"]
    for (const command of commands) {
      const r = audioml([command, join(dir, "bad.toml"), ...(c.args ?? [])], dir)
      expect(r.status, r.stderr).toBe(2)
      for (const e of c.expect) typeof e === "string" ? expect(r.stderr).toContain(e) : expect(r.stderr).toMatch(e)
      expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
    }
  })

  it("a good config validates", () => {
    const dir = tempDir()
    writeFileSync(join(dir, "good.toml"), header + good)
    const r = audioml(["validate", join(dir, "good.toml")], dir)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain("ok (2 stages)")
  })

  it("usage errors exit 2 and --help works on every command", () => {
    const dir = tempDir()
    expect(audioml(["run"], dir).status).toBe(2)
    expect(audioml(["frobnicate"], dir).status).toBe(2)
    for (const args of [["--help"], ["run", "--help"], ["plan", "--help"], ["validate", "--help"], ["cache", "--help"], ["cache", "gc", "--help"], ["runs", "--help"], ["runs", "show", "--help"]]) {
      const r = audioml(args, dir)
      expect(r.status, args.join(" ")).toBe(0)
      expect(r.stdout).toContain("USAGE")
    }
  })
})

import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { audioml } from "../helpers/cli.js"
import { configDir } from "./config-files.js"

/** A plugin that leaves a marker file when its module runs: proof of whether its code ran. */
const plugin = (marker: string) => `
import { writeFileSync } from "node:fs"
writeFileSync(${JSON.stringify(marker)}, "ran")
export const stages = [{
  uses: "my.copy", version: 1, description: "copies its input",
  params: { type: "object", additionalProperties: false, properties: {} },
  inputs: { audio: { kinds: ["AudioSet"] } }, output: "AudioSet",
  run: () => { throw new Error("not run here") }
}]
`
const stages = `[stages.dry]\nuses = "source.synthetic"\nclips = 1\nseconds = 0.1\n[stages.c]\nuses = "my.copy"\nfrom = "dry"\n`

const setup = () => {
  const dir = configDir({})
  const marker = join(dir, "plugin-ran")
  const files = configDir({
    "stages/copy.mjs": plugin(marker),
    "own.toml": `plugins = ["stages/copy.mjs"]\n${stages}`,
    "base.toml": `plugins = ["stages/copy.mjs"]\n`,
    "child.toml": `extends = "base.toml"\n${stages}`
  })
  return { dir: files, marker }
}

const untrusted = { AUDIOML_ALLOW_PLUGINS: "" }

describe("plugins load only when trusted and listed by the config's own file", () => {
  for (const command of ["validate", "plan", "run"]) {
    test(`${command} refuses an untrusted plugin without running it, naming the file and what trusting means`, () => {
      const { dir, marker } = setup()
      const r = audioml([command, "own.toml"], dir, untrusted)
      expect(r.status).toBe(2)
      expect(r.stderr).toContain("own.toml: plugins:")
      expect(r.stderr).toContain("stages/copy.mjs")
      expect(r.stderr).toMatch(/runs with your user's rights/)
      expect(r.stderr).toMatch(/--allow-plugins or set AUDIOML_ALLOW_PLUGINS=1/)
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /)
      expect(existsSync(marker)).toBe(false)
    })
  }

  test("--allow-plugins and AUDIOML_ALLOW_PLUGINS=1 trust them", () => {
    const { dir, marker } = setup()
    const flag = audioml(["validate", "own.toml", "--allow-plugins"], dir, untrusted)
    expect(flag.stderr).toBe("")
    expect(flag.status).toBe(0)
    expect(existsSync(marker)).toBe(true)
    const env = audioml(["plan", "own.toml"], dir, { AUDIOML_ALLOW_PLUGINS: "1" })
    expect(env.status).toBe(0)
  })

  test("a plugin named only in an extends base is not loaded, even when trusted", () => {
    const { dir, marker } = setup()
    const r = audioml(["validate", "child.toml", "--allow-plugins"], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/child\.toml: plugins\[0\]: .*copy\.mjs is listed only in base\.toml \(through extends\)/)
    expect(existsSync(marker)).toBe(false)
  })

  test("a config without plugins needs no trust", () => {
    const dir = configDir({ "p.toml": `[stages.dry]\nuses = "source.synthetic"\nclips = 1\n` })
    expect(audioml(["validate", "p.toml"], dir, untrusted).status).toBe(0)
  })
})

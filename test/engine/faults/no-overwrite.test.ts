import { describe, expect, it } from "vitest"
import { copyFileSync, linkSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { audioml, repoRoot, runJson, tempDir } from "../../helpers/cli.js"
import { filesUnder, writeConfig } from "./fault-helpers.js"
import { storedFiles } from "../../helpers/stored-files.js"

const chain = (dir: string) => {
  const path = join(dir, "chain.toml")
  writeFileSync(path, 'chain = [{ uses = "distortion.tanh", drive_db = 6 }]\n')
  return path
}

const project = () => {
  const dir = tempDir()
  copyFileSync(join(repoRoot, "test/fixtures/audio/pcm16_mono.wav"), join(dir, "in.wav"))
  return { dir, chain: chain(dir), original: readFileSync(join(dir, "in.wav")) }
}

describe("fault: nothing is overwritten in place", () => {
  it("fx refuses an output that is its input (by name, by another path, through a symlink) or its chain file", () => {
    const { dir, chain, original } = project()
    symlinkSync("in.wav", join(dir, "alias.wav"))
    for (const out of ["in.wav", "./in.wav", "alias.wav"]) {
      const r = audioml(["fx", "in.wav", out, "--chain", "chain.toml"], dir)
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/output .* is the same file as the input in\.wav; write to another path/)
    }
    const r = audioml(["fx", "in.wav", "chain.toml", "--chain", "chain.toml"], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("is the same file as the chain file chain.toml")
    expect(readFileSync(join(dir, "in.wav")).equals(original)).toBe(true)
    expect(readFileSync(chain, "utf8")).toContain("distortion.tanh")
  })

  it("fx and features refuse to write to a run-folder file (a hard link into the store): the cached object is unchanged", () => {
    const { dir } = project()
    const config = writeConfig(dir, "linked", `[stages.src]\nuses = "test.source"\n`)
    const run = runJson([config], dir).variations[0]!.run
    const target = join(run, "src/numbers.json")
    const object = storedFiles(run, "src")[0]!.sha256
    const objectPath = join(dir, "runs/.store/objects", object.slice(0, 2), object.slice(2))
    const before = readFileSync(objectPath)
    const fx = audioml(["fx", "in.wav", target, "--chain", "chain.toml"], dir)
    expect(fx.status).toBe(2)
    expect(fx.stderr).toMatch(/output .*numbers\.json is a hard link \(\d+ names for one file, as run-folder files are links into the cache store\)/)
    // features writes <out>/features.json: make that a link to the stored object
    linkSync(objectPath, join(dir, "features.json"))
    const features = audioml(["features", "in.wav", "--out", ".", "--only", "loudness"], dir)
    expect(features.status).toBe(2)
    expect(features.stderr).toMatch(/features\.json is a hard link/)
    expect(readFileSync(objectPath).equals(before)).toBe(true)
    expect(runJson([config], dir).variations[0]!.nodes[0]!.cached).toBe(true)
  })

  it("outputs are written to a temp file and renamed: an existing output is replaced whole, no temp file stays", () => {
    const { dir } = project()
    writeFileSync(join(dir, "out.wav"), "old")
    const r = audioml(["fx", "in.wav", "out.wav", "--chain", "chain.toml"], dir)
    expect(r.status).toBe(0)
    expect(readFileSync(join(dir, "out.wav")).subarray(0, 4).toString()).toBe("RIFF")
    expect(filesUnder(dir).filter((f) => f.includes(".tmp"))).toEqual([])
  })
})

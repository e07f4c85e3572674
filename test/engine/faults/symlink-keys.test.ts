import { describe, expect, it } from "vitest"
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot, runJson, tempDir } from "../../helpers/cli.js"
import { fingerprintPaths } from "../../../src/engine/file-fingerprint.js"
import { Store } from "../../../src/engine/store.js"
import { storedFiles } from "../../helpers/stored-files.js"

const wav = (name: string) => join(repoRoot, "test/fixtures/audio", name)

/** A project reading data/ with source.wav_dir, where data/ holds a file, a linked file and a linked folder. */
const project = () => {
  const dir = tempDir()
  mkdirSync(join(dir, "data"))
  mkdirSync(join(dir, "elsewhere/folder"), { recursive: true })
  copyFileSync(wav("pcm16_mono.wav"), join(dir, "data/a.wav"))
  copyFileSync(wav("pcm24_mono.wav"), join(dir, "elsewhere/b.wav"))
  copyFileSync(wav("float32_mono.wav"), join(dir, "elsewhere/folder/c.wav"))
  symlinkSync("../elsewhere/b.wav", join(dir, "data/linked.wav"))
  symlinkSync("../elsewhere/folder", join(dir, "data/sub"))
  const config = join(dir, "links.toml")
  writeFileSync(config, `name = "links"\nseed = 1\nsample_rate = 22050\n[stages.src]\nuses = "source.wav_dir"\npath = "data"\nrecursive = true\n`)
  return { dir, config }
}

const clipsOf = (runDir: string) => storedFiles(runDir, "src").filter((f) => f.name.endsWith(".wav")).length

describe("fault: files reached through symbolic links are keyed by their target's content", () => {
  it("editing a linked file and adding one to a linked folder are misses that give the fresh result", () => {
    const { dir, config } = project()
    const first = runJson([config], dir).variations[0]!
    expect(clipsOf(first.run)).toBe(3)
    expect(runJson([config], dir).variations[0]!.nodes[0]!.cached).toBe(true)

    // edit the target of data/linked.wav (the link itself is untouched)
    copyFileSync(wav("float64_mono.wav"), join(dir, "elsewhere/b.wav"))
    const edited = runJson([config], dir).variations[0]!
    expect(edited.nodes[0]).toMatchObject({ cached: false, reason: "input files changed: data/linked.wav" })

    // add a file inside the linked folder
    copyFileSync(wav("pcm16_mono.wav"), join(dir, "elsewhere/folder/d.wav"))
    const added = runJson([config], dir).variations[0]!
    expect(added.nodes[0]!.cached).toBe(false)
    expect(added.nodes[0]!.reason).toMatch(/input files changed: .*data\/sub\/d\.wav/)
    expect(clipsOf(added.run)).toBe(4)

    // the same as a fresh store computes
    const fresh = runJson([config], dir, { AUDIOML_STORE: join(tempDir(), "store") }).variations[0]!
    expect(fresh.nodes[0]!.artifact).toBe(added.nodes[0]!.artifact)
  })

  it("a dangling link and a folder link loop are named as problems, not followed (and do not hang)", async () => {
    const { dir } = project()
    symlinkSync("../elsewhere/gone.txt", join(dir, "data/dangling.txt"))
    symlinkSync("..", join(dir, "elsewhere/folder/loop"))
    const store = new Store(join(dir, "store"))
    const { files, problems } = await fingerprintPaths(store, dir, ["data"])
    expect(problems).toEqual([
      "data/dangling.txt: dangling symbolic link (-> ../elsewhere/gone.txt)",
      "data/sub/loop/folder: symbolic link loop (a folder containing it)"
    ])
    // everything reachable once is keyed by content, the linked folder's files under the link's name
    expect(Object.keys(files).sort()).toEqual(["data/a.wav", "data/dangling.txt", "data/linked.wav", "data/sub/c.wav", "data/sub/loop/b.wav", "data/sub/loop/folder"])
    expect(files["data/linked.wav"]).toBe(files["data/sub/loop/b.wav"])
    expect(files["data/linked.wav"]).toMatch(/^[0-9a-f]{64}$/)
  })
})

import { describe, expect, it } from "vitest"
import { StageError, StoreError } from "../../src/engine/errors.js"
import { AudioFormatError, DataError, ModelError, ParameterError } from "../../src/errors/audioml-error.js"
import { badInput, toUserError, UserError } from "../../src/cli/user-error.js"

describe("toUserError: the one mapping from failures to the terminal", () => {
  it("family members give their message and exit 2", () => {
    for (const e of [ParameterError.of("hop", "must be a positive integer, got 0"), AudioFormatError.of("a.wav", "not a RIFF/WAVE file"), new ModelError({ message: "unknown model" })]) {
      const u = toUserError(e)!
      expect(u).toBeInstanceOf(UserError)
      expect(u.message).toBe(e.message)
      expect(u.exitCode).toBe(2)
    }
  })

  it("a stage that failed with a family member is exit 2, named by its stage; other stage failures are exit 1", () => {
    const bad = new StageError({ stage: "dry", message: "no clips", cause: new DataError({ message: "no clips" }) })
    expect(toUserError(bad)).toMatchObject({ message: "stages.dry: no clips", exitCode: 2 })
    const crashed = new StageError({ stage: "train", message: "worker died", cause: new Error("worker died") })
    expect(toUserError(crashed)).toMatchObject({ message: "stages.train: worker died", exitCode: 1 })
    expect(toUserError(new StoreError({ path: "/x", message: "EACCES" }))).toMatchObject({ message: "store /x: EACCES", exitCode: 1 })
  })

  it("UserErrors pass through; anything else is a bug (undefined: the caller reports an internal error)", () => {
    const u = badInput("--model x: no such folder")
    expect(toUserError(u)).toBe(u)
    expect(toUserError(new Error("undefined is not a function"))).toBeUndefined()
    expect(toUserError("a string")).toBeUndefined()
  })
})

describe("audioml run: a stage failing with a family member", () => {
  it("exits 2 with the stage and the reason, no stack trace", async () => {
    const { mkdirSync, writeFileSync } = await import("node:fs")
    const { join } = await import("node:path")
    const { audioml, tempDir } = await import("../helpers/cli.js")
    const dir = tempDir()
    mkdirSync(join(dir, "empty"))
    writeFileSync(join(dir, "p.toml"), `name = "p"\n\n[stages.dry]\nuses = "source.wav_dir"\npath = "empty"\nsample_rate = 16000\n`)
    const r = audioml(["run", join(dir, "p.toml")], dir, { AUDIOML_STORE: join(dir, "store") })
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr).toContain("stages.dry: source.wav_dir: no file matches")
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  })
})

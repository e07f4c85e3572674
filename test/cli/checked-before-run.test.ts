/**
 * Mistakes that used to surface only at run time are caught by `validate` and `plan` (issue
 * 15): a missing input folder or file named by a stage, and an unknown AUDIOML_BACKEND. And
 * neither command creates a store in the current folder.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { audioml, tempDir } from "../helpers/cli.js"

const config = (wavDir: string, ir: string): string => `
name = "inputs"
sample_rate = 16000

[stages.src]
uses = "source.wav_dir"
path = "${wavDir}"

[stages.wet]
uses = "effects.chain"
from = "src"
chain = [
  { uses = "gain", gain_db = -3 },
  { uses = "reverb.convolve", ir = "${ir}" },
]
`

describe("checked before anything runs", () => {
  for (const command of ["validate", "plan"] as const) {
    it(`${command} names a missing source folder and a missing impulse response at their TOML paths`, () => {
      const dir = tempDir()
      writeFileSync(join(dir, "p.toml"), config("recordings", "irs/hall.wav"))
      const r = audioml([command, "p.toml", "--store", join(dir, "store"), ...(command === "plan" ? ["--runs", join(dir, "runs")] : [])], dir)
      expect(r.status).toBe(2)
      expect(r.stderr).toContain(`stages.src.path: "recordings" does not exist (resolved to ${join(dir, "recordings")})`)
      expect(r.stderr).toContain(`stages.wet.chain[1].ir: "irs/hall.wav" does not exist`)
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    })
  }

  it("accepts the same config once the inputs exist, and creates no store in the current folder", () => {
    const dir = tempDir()
    mkdirSync(join(dir, "recordings"))
    mkdirSync(join(dir, "irs"))
    writeFileSync(join(dir, "irs/hall.wav"), "") // existence is what validate checks; the run reads it
    writeFileSync(join(dir, "p.toml"), config("recordings", "irs/hall.wav"))
    const v = audioml(["validate", "p.toml"], dir)
    expect(v.stderr).toBe("")
    expect(v.status).toBe(0)
    const p = audioml(["plan", "p.toml"], dir)
    expect(p.status).toBe(0)
    expect(existsSync(join(dir, "runs"))).toBe(false)
  })

  it("refuses an unknown AUDIOML_BACKEND in validate, plan and run, before loading anything", () => {
    const dir = tempDir()
    mkdirSync(join(dir, "recordings"))
    writeFileSync(join(dir, "p.toml"), `name = "b"\n[stages.src]\nuses = "source.wav_dir"\npath = "recordings"\n`)
    for (const command of ["validate", "plan", "run"]) {
      const runs = command === "validate" ? [] : ["--runs", join(dir, "runs")]
      const r = audioml([command, "p.toml", "--store", join(dir, "store"), ...runs], dir, { AUDIOML_BACKEND: "tpu" })
      expect(r.status, command).toBe(2)
      expect(r.stderr).toContain('AUDIOML_BACKEND: unknown backend "tpu": expected one of node-gpu, node, wasm, cpu')
      expect(existsSync(join(dir, "store")), command).toBe(false)
    }
  })
})

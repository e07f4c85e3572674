import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { audioml, repoRoot, tempDir } from "../../helpers/cli.js"

/**
 * `audioml style` on a pair made with sox (test/fixtures/style/make_style_pair.sh): the
 * reference is the input through sox `equalizer` ×2 and `compand`; the fitted chain must
 * bring the MR-STFT distance to the reference down at least 2× from the input's own.
 */
const fixtures = join(repoRoot, "test/fixtures/style")
const dir = tempDir("audioml-style-")

describe("audioml style", () => {
  it("brings MR-STFT to a sox-processed reference down at least 2x (autodiff)", () => {
    const out = join(dir, "out.wav")
    const r = audioml(
      ["style", join(fixtures, "input.wav"), "--reference", join(fixtures, "reference.wav"), "--chain", join(fixtures, "chain.toml"), "--out", out, "--iterations", "25", "--json"],
      dir
    )
    expect(r.stderr).toBe("")
    expect(r.status).toBe(0)
    const result = JSON.parse(r.stdout)
    expect(result.method).toBe("autodiff")
    expect(result.loss).toBe("match")
    expect(result.mrstft.result).toBeLessThan(result.mrstft.input / 2)
    expect(result.params.map((p: { name: string }) => p.name)).toContain("chain[2].threshold_db")
    expect(existsSync(out)).toBe(true)
  })

  it("names the chain file and says what to write when nothing is searched (exit 2, no output)", () => {
    const chain = join(dir, "fixed.toml")
    writeFileSync(chain, 'chain = [ { uses = "gain", gain_db = 3 } ]\n')
    const out = join(dir, "never.wav")
    const r = audioml(["style", join(fixtures, "input.wav"), "--reference", join(fixtures, "reference.wav"), "--chain", chain, "--out", out], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/fixed\.toml: the chain has no parameter to search.*uniform/)
    expect(existsSync(out)).toBe(false)
  })

  it("refuses autodiff for a chain without differentiable twins", () => {
    const chain = join(dir, "chorus.toml")
    writeFileSync(chain, 'chain = [ { uses = "mod.chorus", mix = { uniform = [0, 1] } } ]\n')
    const r = audioml(["style", join(fixtures, "input.wav"), "--reference", join(fixtures, "reference.wav"), "--chain", chain, "--out", join(dir, "x.wav"), "--method", "autodiff"], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/mod\.chorus\) has no differentiable version.*--method spsa/)
  })
})

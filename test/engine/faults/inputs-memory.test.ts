import { spawnSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { audioml, cliPath, repoRoot, tempDir } from "../../helpers/cli.js"

const probe = resolve(repoRoot, "test/helpers/max-rss-probe.mjs")

const config = (clips: number): string => `
seed = 1
sample_rate = 16000
[stages.dry]
uses = "source.synthetic"
clips = ${clips}
seconds = 2
generators = [{ uses = "sine" }]
[stages.wet]
uses = "effects.chain"
from = "dry"
chain = [{ uses = "gain", gain_db = { uniform = [-6, 0] } }]
[stages.checked]
uses = "dataset.validate"
from = "wet"
[stages.split]
uses = "dataset.split"
from = "checked"
`

/** Peak RSS (kB) of `audioml run` over a stage-only pipeline of `clips` clips, in a fresh store. */
const peakRss = (clips: number): number => {
  const dir = tempDir("audioml-mem-")
  writeFileSync(join(dir, "p.toml"), config(clips))
  // `plan` first: it compiles and remembers the param schemas, a fixed cost that is not what we measure
  expect(audioml(["plan", "p.toml"], dir).status).toBe(0)
  const r = spawnSync(process.execPath, ["--import", probe, cliPath, "run", "p.toml"], { cwd: dir, encoding: "utf8" })
  expect(r.status, r.stderr).toBe(0)
  const m = /AUDIOML_MAX_RSS_KB=(\d+)/.exec(r.stderr)
  expect(m, r.stderr).not.toBeNull()
  return Number(m![1])
}

describe("memory is bounded in the dataset size", () => {
  // 200 clips of 2 s are 25 MB of audio per artifact; before stages streamed clips, the peak
  // grew by about 0.6 MB per clip (134 MB at 20 clips, 259 MB at 200: 1.9x).
  it("a stage-only pipeline of 10x the clips stays within 1.5x the peak RSS", () => {
    const small = peakRss(20)
    const large = peakRss(200)
    console.log(`peak RSS: 20 clips ${(small / 1024).toFixed(0)} MB, 200 clips ${(large / 1024).toFixed(0)} MB (${(large / small).toFixed(2)}x)`)
    expect(large / small).toBeLessThan(1.5)
  }, 240_000)
})

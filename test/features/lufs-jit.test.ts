/**
 * LUFS is fast on its first call, not only when V8 happens to keep it optimised (issue 15:
 * integrated LUFS ran at 2.5× numpy when V8 optimised the K-weighting loop and at 0.56× when
 * it de-optimised it with "insufficient type feedback", which happened under load). Runs the
 * kernels under `node --trace-opt --trace-deopt`: they are optimised and never bail out.
 */
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../helpers/cli.js"

describe("LUFS K-weighting kernels under V8", () => {
  it("are optimised by TurboFan and never de-optimised, for mono, stereo, subarrays and other rates", () => {
    const probe = join(repoRoot, "test/helpers/lufs-jit-probe.mjs")
    const r = spawnSync(process.execPath, ["--trace-opt", "--trace-deopt", probe, join(repoRoot, "dist/features/lufs.js")], { encoding: "utf8" })
    expect(r.status, r.stderr).toBe(0)
    const lines = `${r.stdout}\n${r.stderr}`.split("\n")
    const kernels = /<JSFunction (kWeightedEnergy|addKWeightedPower|integratedLoudness|kWeightedPower) /
    const optimised = lines.filter((l) => l.includes("completed optimizing") && kernels.test(l))
    expect(optimised.some((l) => l.includes("kWeightedEnergy")), "kWeightedEnergy was optimised").toBe(true)
    expect(optimised.some((l) => l.includes("addKWeightedPower")), "addKWeightedPower was optimised").toBe(true)
    const bailouts = lines.filter((l) => /bailout|deoptimizing/.test(l) && kernels.test(l))
    expect(bailouts).toEqual([])
  })
})

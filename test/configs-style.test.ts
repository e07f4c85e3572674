import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { audioml, repoRoot, tempDir } from "./helpers/cli.js"

/**
 * configs/style-transfer.toml end to end in a tiny variant (--set: a few short clips, one
 * epoch, a few mode A steps, one test pair per chain): every stage kind runs and both
 * evaluations write DeepAFx-ST's table. The full run is measured in the README.
 */
describe("configs/style-transfer.toml", () => {
  it("runs end to end (tiny variant): both chains' tables with every method", () => {
    const dir = tempDir("audioml-style-config-")
    const set = (k: string, v: string | number) => ["--set", `${k}=${v}`]
    const args = [
      "run",
      join(repoRoot, "configs/style-transfer.toml"),
      "--store", join(dir, "store"),
      "--runs", join(dir, "runs"),
      "--no-report",
      ...set("stages.clean.clips", 8),
      ...set("stages.clean.seconds", 0.5),
      ...["eqcomp", "distverb"].flatMap((c) => [
        ...set(`stages.${c}_split.train`, 0.5),
        ...set(`stages.${c}_split.val`, 0.25),
        ...set(`stages.${c}_split.test`, 0.25),
        ...set(`stages.${c}_encoder.epochs`, 1),
        ...set(`stages.${c}_eval.iterations`, 2),
        ...set(`stages.${c}_eval.perturbations`, 1),
        ...set(`stages.${c}_eval.max_pairs`, 1)
      ]),
      ...set("stages.eqcomp_encoder.pretrain_epochs", 1),
      "--json"
    ]
    const r = audioml(args, repoRoot, { AUDIOML_BACKEND: "cpu" })
    // the log prints the table, whose header has "LUFS error": look for failures only
    expect(r.stderr).not.toMatch(/✗|failed|Error:/)
    expect(r.status).toBe(0)
    const summary = JSON.parse(r.stdout) as { runs: string[] }
    const metrics = JSON.parse(readFileSync(join(summary.runs[0]!, "metrics.json"), "utf8")) as Record<string, { table: Record<string, { mrstft: number }> }>
    for (const stage of ["eqcomp_eval", "distverb_eval"]) {
      expect(Object.keys(metrics[stage]!.table)).toEqual(["input", "rule_based", "autodiff", "spsa", "encoder"])
      for (const row of Object.values(metrics[stage]!.table)) expect(row.mrstft).toBeGreaterThan(0)
    }
  })
})

import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { audioml, repoRoot, tempDir } from "./helpers/cli.js"

/**
 * The shipped configs validate, and configs/training.toml runs end to end in a tiny variant
 * (--set overrides: a few short clips, one epoch) — the full runs are measured in the README,
 * not run here.
 */
const configs = ["training", "la2a", "la2a-signaltrain", "pedal-study", "synth-dataset", "style-transfer", "style-transfer-real"]

/**
 * Configs that read data a clone does not have (the SignalTrain download, the prepared
 * sonic-pi-samples recordings): the tests point them at an empty folder, since validate
 * checks that inputs exist.
 */
const signalTrain = join(repoRoot, "data/signaltrain")
const downloads: Readonly<Record<string, { readonly stage: string; readonly folder: string }>> = {
  "la2a-signaltrain": { stage: "wet", folder: signalTrain },
  "style-transfer-real": { stage: "recordings", folder: join(repoRoot, "data/sonic-pi") }
}
const dataFor = (name: string): string[] => {
  const d = downloads[name]
  if (d === undefined || existsSync(d.folder)) return []
  return ["--set", `stages.${d.stage}.path=${JSON.stringify(tempDir("audioml-data-"))}`]
}

describe("shipped configs", () => {
  it.skipIf(existsSync(signalTrain))("configs/la2a-signaltrain.toml without the download: validate names the missing folder", () => {
    const r = audioml(["validate", join(repoRoot, "configs/la2a-signaltrain.toml")], repoRoot)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`stages.wet.path: "../data/signaltrain" does not exist (resolved to ${signalTrain})`)
  })

  for (const name of configs) {
    it(`configs/${name}.toml validates`, () => {
      const r = audioml(["validate", join(repoRoot, "configs", `${name}.toml`), ...dataFor(name)], repoRoot)
      expect(r.stderr).toBe("")
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/: ok \(\d+ stages/)
      expect(readFileSync(join(repoRoot, "configs", `${name}.toml`), "utf8").startsWith("#:schema ../schemas/pipeline.schema.json\n")).toBe(true)
    })
  }

  it("configs/la2a-signaltrain.toml drops the base's synthetic stages it does not use (stage = false)", () => {
    const dir = tempDir("audioml-configs-")
    const r = audioml(["plan", join(repoRoot, "configs/la2a-signaltrain.toml"), "--store", join(dir, "store"), "--runs", join(dir, "runs"), "--json", ...dataFor("la2a-signaltrain")], repoRoot)
    expect(r.status).toBe(0)
    const ids = (JSON.parse(r.stdout) as Array<{ nodes: Array<{ id: string }> }>)[0]!.nodes.map((n) => n.id)
    expect(ids).toEqual(["wet", "checked", "dataset", "fx_model", "fx_eval"])
  })

  it("configs/training.toml runs end to end (tiny variant) and a rerun is all cache hits", () => {
    const dir = tempDir("audioml-configs-")
    const args = [
      "run",
      join(repoRoot, "configs/training.toml"),
      "--store", join(dir, "store"),
      "--runs", join(dir, "runs"),
      "--set", "stages.dry.clips=8",
      "--set", "stages.dry.seconds=0.5",
      "--set", "stages.dataset.train=0.4",
      "--set", "stages.dataset.val=0.3",
      "--set", "stages.dataset.test=0.3",
      "--set", "stages.fx_model.epochs=1",
      "--set", "stages.drive_model.epochs=2",
      "--json"
    ]
    const env = { AUDIOML_BACKEND: "cpu" }
    const first = audioml(args, repoRoot, env)
    expect(first.stderr).not.toMatch(/error/i)
    expect(first.status).toBe(0)
    const summary = JSON.parse(first.stdout) as { runs: string[]; variations: Array<{ nodes: Array<{ id: string; uses: string; cached: boolean }> }> }
    const nodes = summary.variations[0]!.nodes
    expect(new Set(nodes.map((n) => n.uses))).toEqual(
      new Set(["source.synthetic", "augment", "effects.chain", "dataset.validate", "dataset.split", "dataset.segment", "features", "train", "evaluate"])
    )
    const run = summary.runs[0]!
    const metrics = JSON.parse(readFileSync(join(run, "metrics.json"), "utf8")) as Record<string, Record<string, unknown>>
    expect(typeof metrics["fx_eval"]!["esr_pooled"]).toBe("number")
    expect(typeof metrics["fx_eval"]!["esr_mean"]).toBe("number")
    expect(typeof (metrics["drive_eval"]!["mae"] as Record<string, number>)["drive"]).toBe("number")
    const manifest = JSON.parse(readFileSync(join(run, "manifest.json"), "utf8")) as { environment: Record<string, unknown> }
    expect(JSON.stringify(manifest.environment)).toContain("cpu")
    for (const f of ["model.json", "weights.bin", "model-meta.json"]) expect(existsSync(join(run, "fx_model", f))).toBe(true)

    const second = audioml(args, repoRoot, env)
    expect(second.status).toBe(0)
    const again = JSON.parse(second.stdout) as typeof summary
    expect(again.variations[0]!.nodes.every((n) => n.cached)).toBe(true)
  })
})

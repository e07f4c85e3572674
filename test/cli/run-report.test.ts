import { describe, expect, it } from "vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { renderRunReport } from "../../src/cli/run-report.js"
import type { Manifest } from "../../src/engine/run-record.js"
import { tempDir } from "../helpers/cli.js"

const node = (id: string, uses: string, cached: boolean, reason: string) =>
  ({ id, uses, cached, reason, duration_ms: 1500, key: "k", version: 1, seed: 1, params: {}, inputs: {}, kind: "X", artifact: "a", files: [] }) as Manifest["nodes"][number]

describe("report.html", () => {
  it("shows stages with why they ran, metrics, loss curves and example players", () => {
    const dir = tempDir()
    mkdirSync(join(dir, "model"), { recursive: true })
    writeFileSync(
      join(dir, "model", "model-meta.json"),
      JSON.stringify({ summary: "LSTM 1×8", history: [1, 2, 3].map((epoch) => ({ epoch, train_loss: 1 / epoch, val_loss: 2 / epoch, lr: 0.01 })) })
    )
    mkdirSync(join(dir, "eval", "examples", "clip-1"), { recursive: true })
    for (const f of ["input", "target", "prediction"]) writeFileSync(join(dir, "eval", "examples", "clip-1", `${f}.wav`), "")
    writeFileSync(join(dir, "metrics.json"), JSON.stringify({ eval: { esr: 0.0123 } }))
    const manifest = {
      name: "demo",
      run_id: "r1",
      config: "demo.toml",
      status: "ok",
      duration_ms: 3000,
      nodes: [node("model", "train", false, "params changed: stages.model.epochs"), node("eval", "evaluate", true, "cache hit")]
    } as unknown as Manifest
    const html = renderRunReport(dir, manifest)
    expect(html).toContain("<td>params changed: stages.model.epochs</td>")
    expect(html).toMatch(/<td>eval\.esr<\/td><td class="num">0\.0123<\/td>/)
    expect((html.match(/<polyline/g) ?? []).length).toBe(2)
    expect(html).toContain('src="eval/examples/clip-1/prediction.wav"')
    expect(html).not.toMatch(/<script|https?:/)
  })
})

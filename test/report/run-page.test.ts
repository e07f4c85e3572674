import { describe, expect, it } from "vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { encodeWav } from "../../src/audio/wav.js"
import type { Manifest } from "../../src/engine/run-record.js"
import { fragmentCache } from "../../src/report/fragment-cache.js"
import { renderRunReport } from "../../src/report/run-page.js"
import { tempDir } from "../helpers/cli.js"

const node = (id: string, uses: string, kind: string, cached: boolean, reason: string) =>
  ({ id, uses, kind, cached, reason, duration_ms: 1500, key: `key-${id}`, version: 1, seed: 1, params: {}, inputs: {}, artifact: `art-${id}`, files: [] }) as Manifest["nodes"][number]

const tone = (n: number, amplitude: number, sampleRate = 16000) => Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / sampleRate) * (i > n / 2 ? 1 : 0.1))

const manifestOf = (nodes: Manifest["nodes"], store: string) =>
  ({ name: "demo", run_id: "r1", config: "demo.toml", status: "ok", duration_ms: 3000, store, nodes }) as unknown as Manifest

describe("report.html of a run", () => {
  const dir = tempDir()
  mkdirSync(join(dir, "model"), { recursive: true })
  writeFileSync(
    join(dir, "model", "model-meta.json"),
    JSON.stringify({
      summary: "LSTM 1×8",
      training: { best_epoch: 2, best_val_loss: 1 },
      history: [1, 2, 3].map((epoch) => ({ epoch, train_loss: 1 / epoch, val_loss: 2 / epoch, lr: 0.01 / epoch }))
    })
  )
  const example = join(dir, "eval", "examples", "clip-1")
  mkdirSync(example, { recursive: true })
  writeFileSync(join(example, "input.wav"), encodeWav({ sampleRate: 16000, channels: [tone(8000, 0.3)] }))
  writeFileSync(join(example, "target.wav"), encodeWav({ sampleRate: 16000, channels: [tone(8000, 0.5)] }))
  writeFileSync(join(example, "prediction.wav"), encodeWav({ sampleRate: 16000, channels: [tone(8000, 0.45)] }))
  writeFileSync(join(dir, "eval", "metrics.json"), JSON.stringify({ esr: 0.0123 }))
  writeFileSync(join(dir, "metrics.json"), JSON.stringify({ eval: { esr: 0.0123 } }))
  const manifest = manifestOf([node("model", "train", "Model", false, "params changed: stages.model.epochs"), node("eval", "evaluate", "Metrics", true, "cache hit")], join(dir, "store"))

  it("shows stages with why they ran, metrics, loss curves with lr and best epoch, spectrograms and players", async () => {
    const html = await renderRunReport(dir, manifest)
    expect(html).toContain("<td>params changed: stages.model.epochs</td>")
    expect(html).toMatch(/<td>eval\.esr<\/td><td class="num" data-value="0.0123">0\.0123<\/td>/)
    expect(html).toContain(`data-series='["train","validation","learning rate"]'`)
    expect(html).toContain("best epoch 2")
    // dry, target, prediction and the error on one scale, plus the colour bar
    expect((html.match(/src="data:image\/png;base64,/g) ?? []).length).toBe(5)
    expect(html).toContain('preload="metadata" src="eval/examples/clip-1/prediction.wav"')
    expect(html).not.toMatch(/(src|href)="https?:/)
  })

  it("reuses cached fragments: a second page renders nothing again", async () => {
    const store = tempDir()
    const first = await renderRunReport(dir, manifest, fragmentCache(store))
    let rendered = 0
    const counting = fragmentCache(store)
    const spy = { get: (key: unknown, render: () => Promise<string>) => counting.get(key, () => ((rendered += 1), render())) }
    expect(await renderRunReport(dir, manifest, spy)).toBe(first)
    expect(rendered).toBe(0)
  })

  it("a dataset-only run gets its gallery, validation failures and skipped files", async () => {
    const d = tempDir()
    for (const stage of ["src", "checked"]) {
      mkdirSync(join(d, stage, "clips"), { recursive: true })
      const clips = ["a", "b", "c"].map((id, k) => {
        writeFileSync(join(d, stage, "clips", `${id}.wav`), encodeWav({ sampleRate: 16000, channels: [tone(4000, 0.2 * (k + 1))] }))
        return { id, file: `clips/${id}.wav`, sample_rate: 16000, channels: 1, samples: 4000, labels: { file: `${id}.wav`, level: k } }
      })
      writeFileSync(join(d, stage, "meta.json"), JSON.stringify({ kind: "AudioSet", clips }))
    }
    writeFileSync(join(d, "src", "report.json"), JSON.stringify({ files: 4, clips: 3, skipped: [{ file: "broken.wav", reason: "not a RIFF/WAVE file" }], too_short: [] }))
    mkdirSync(join(d, "checked"), { recursive: true })
    writeFileSync(
      join(d, "checked", "report.json"),
      JSON.stringify({ on_fail: "drop", checks: ["peak"], total: 3, failed: 1, by_check: { peak: 1 }, items: [{ id: "c", ok: false, failures: [{ check: "peak", detail: "peak -0.5 dBFS > -1 dBFS" }] }] })
    )
    const html = await renderRunReport(d, manifestOf([node("src", "source.wav_dir", "AudioSet", false, "new"), node("checked", "dataset.validate", "AudioSet", false, "new")], join(d, "store")))
    expect(html).toContain("broken.wav")
    expect(html).toContain("not a RIFF/WAVE file")
    expect(html).toContain("peak -0.5 dBFS &gt; -1 dBFS")
    // the gallery of the last dataset stage: its files live in that stage's folder
    expect(html).toContain("checked: dataset")
    expect((html.match(/class="thumb"/g) ?? []).length).toBe(3)
    expect(html).toContain('src="checked/clips/a.wav"')
  })
})

import { existsSync } from "node:fs"
import { join } from "node:path"
import { availableParallelism } from "node:os"
import { describe, expect, it } from "vitest"
import { extractFeatures } from "../../src/features/extract.js"
import { renderNote } from "../../src/synth/render.js"
import { defaultPresetValues, synthParams } from "../../src/synth/params.js"

/**
 * Worker pools only run from the compiled output (the worker files under dist/stages); `npm test`
 * builds before testing, so these check that a pool gives exactly the in-process results
 * whenever dist/ is there.
 */
const dist = join(import.meta.dirname, "..", "..", "dist", "stages")
const poolModule = join(dist, "features", "pool.js")
const workerModule = join(dist, "features", "worker.js")
const mapModule = join(dist, "worker-pool.js")
const renderWorker = join(dist, "source-synth", "render-worker.js")

describe("worker pools", () => {
  it.skipIf(!existsSync(poolModule) || !existsSync(workerModule))("features: the in-process results, in input order", async () => {
    const { extractAll } = (await import(poolModule)) as typeof import("../../src/stages/features/pool.js")
    const SR = 16000
    const signals = [0, 1, 2, 3, 4].map((k) => ({
      sampleRate: SR,
      channels: [Float32Array.from({ length: SR / 2 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (200 + 60 * k) * i) / SR))]
    }))
    const params = {
      mel: { n_fft: 1024, hop: 256, n_mels: 32, fmin: 0, scale: "slaney", norm: "slaney", power: 2, log: false, window: "hann" },
      descriptors: { n_fft: 1024, hop: 256, roll_percent: 0.85 }
    } as const
    const done: number[] = []
    const { results } = await extractAll(signals, params, { onDone: (n) => done.push(n) })
    expect(done).toEqual([1, 2, 3, 4, 5])
    results.forEach((r, i) => {
      const direct = extractFeatures(signals[i]!, params)
      for (const name of Object.keys(direct.features)) expect(Array.from(r.features[name]!.data)).toEqual(Array.from(direct.features[name]!.data))
    })
  })

  it.skipIf(!existsSync(mapModule) || !existsSync(renderWorker))("source.synth's renders: the same bytes as renderNote in this thread, in input order", async () => {
    const { mapInOrder } = (await import(mapModule)) as typeof import("../../src/stages/worker-pool.js")
    const values = defaultPresetValues()
    // a noisy oscillator and reverb, so the per-note seed shows in the bytes
    const noisy = values.slice()
    noisy[synthParams.findIndex((p) => p.name === "osc2_waveform")] = 3
    noisy[synthParams.findIndex((p) => p.name === "reverb_wet")] = 0.5
    const tasks = [48, 55, 60, 67, 72].map((note, i) => ({ values: i % 2 === 0 ? values : noisy, options: { sampleRate: 22050, seconds: 0.5, noteSeconds: 0.3, note, velocity: 100, seed: 1000 + i } }))
    const { results, threads } = await mapInOrder(new URL(`file://${renderWorker}`), tasks, () => {
      throw new Error("the pool should have run these")
    })
    expect(threads).toBeGreaterThanOrEqual(Math.min(2, availableParallelism()))
    results.forEach((r, i) => expect(Buffer.from(r.buffer, r.byteOffset, r.byteLength).equals(Buffer.from(renderNote(tasks[i]!.values, tasks[i]!.options).buffer))).toBe(true))
  })
})

import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { extractFeatures } from "../../src/features/extract.js"

/**
 * The worker pool only runs from the compiled output (dist/stages/features/worker.js);
 * `npm test` builds before testing, so this checks the pool gives exactly the in-process
 * results whenever dist/ is there.
 */
const poolModule = join(import.meta.dirname, "..", "..", "dist", "stages", "features", "pool.js")
const workerModule = join(import.meta.dirname, "..", "..", "dist", "stages", "features", "worker.js")

describe("features worker pool", () => {
  it.skipIf(!existsSync(poolModule) || !existsSync(workerModule))("returns the in-process results, in input order", async () => {
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
})

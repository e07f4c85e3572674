import { describe, expect, it } from "vitest"
import { decode } from "fast-png"
import { magma, heatmapDataUri } from "../../src/report/image.js"
import { strongestOnset, waveformSpec, lossCurvesSpec } from "../../src/report/chart-specs.js"
import { sharedSpectrograms } from "../../src/report/spectrogram.js"
import { defaultMetric } from "../../src/report/sweep-page.js"
import { writeReportFor, ReportTargetError } from "../../src/report/write-report.js"
import { audioml, tempDir } from "../helpers/cli.js"

const pngOf = (uri: string) => decode(Buffer.from(uri.replace(/^data:image\/png;base64,/, ""), "base64"))

describe("report building blocks", () => {
  it("magma has matplotlib's end points (#000004 … #fcfdbf)", () => {
    expect(magma(0)).toEqual([0x00, 0x00, 0x04])
    expect(magma(1)).toEqual([0xfc, 0xfd, 0xbf])
    expect(magma(-3)).toEqual(magma(0))
  })

  it("heat maps put row 0 at the bottom and map [lo, hi] onto the colormap", () => {
    const png = pngOf(heatmapDataUri([0, 0, 1, 1], 2, 2, 0, 1))
    expect([png.width, png.height, png.channels]).toEqual([2, 2, 3])
    // top row of the image = matrix row 1 (the bright one)
    expect(Array.from(png.data.slice(0, 3))).toEqual([...magma(1)])
    expect(Array.from(png.data.slice(6, 9))).toEqual([...magma(0)])
  })

  it("spectrograms share one scale: the louder signal sets the top, the quieter one stays darker", () => {
    const sr = 16000
    const sine = (a: number) => Float32Array.from({ length: sr / 2 }, (_, i) => a * Math.sin((2 * Math.PI * 1000 * i) / sr))
    const s = sharedSpectrograms([sine(1), sine(0.1)], sr)
    // a full-scale sine through a Hann-windowed 1024-point STFT: the band near 1 kHz holds
    // (sum w)^2 / 4 of power, about 65 536 → about +48 dB (librosa's scaling, no normalisation)
    expect(s.highDb).toBeGreaterThan(30)
    expect(s.lowDb).toBeCloseTo(s.highDb - 80, 6)
    const brightest = (uri: string) => {
      const p = pngOf(uri)
      let best = 0
      for (let i = 0; i < p.data.length; i += 3) best = Math.max(best, p.data[i]! + p.data[i + 1]! + p.data[i + 2]!)
      return best
    }
    expect(brightest(s.images[0]!)).toBeGreaterThan(brightest(s.images[1]!))
  })

  it("finds the strongest onset and decimates waveforms keeping their peaks", () => {
    const y = new Float32Array(8192)
    for (let i = 5000; i < 8192; i++) y[i] = Math.sin(i / 3) * Math.exp(-(i - 5000) / 800)
    y[1000] = 0.05
    const onset = strongestOnset(y)
    expect(onset).toBeGreaterThan(4700)
    expect(onset).toBeLessThanOrEqual(5000)
    const spec = waveformSpec([{ name: "x", samples: y }], 16000, [0, y.length], { buckets: 100 }).spec as unknown as { data: { values: Array<{ v: number }> } }
    const values = spec.data.values.map((p) => p.v)
    expect(values.length).toBe(200)
    expect(Math.max(...values)).toBe(Math.max(...y))
    expect(Math.min(...values)).toBe(Math.min(...y))
  })

  it("loss curves name every series they draw", () => {
    const noVal = lossCurvesSpec([{ epoch: 1, train_loss: 1, val_loss: null }])
    expect(noVal.series).toEqual(["train"])
  })

  it("picks the ESR of a sweep by default", () => {
    expect(defaultMetric(["eval.l1", "eval.esr", "drive_eval.mae.drive"])).toBe("eval.esr")
    expect(defaultMetric(["eval.l1", "eval.esr_mean", "eval.esr_pooled", "drive_eval.mae.drive"])).toBe("eval.esr_pooled")
    expect(defaultMetric(["drive_eval.mae.drive", "x"])).toBe("drive_eval.mae.drive")
    expect(defaultMetric([])).toBeUndefined()
  })

  it("refuses a path that is neither a run nor a sweep, naming it", async () => {
    const dir = tempDir()
    await expect(writeReportFor(dir)).rejects.toThrow(ReportTargetError)
    await expect(writeReportFor(dir)).rejects.toThrow(/neither a run folder/)
    const r = audioml(["report", "no/such/run"], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("no/such/run: no such file or folder")
  })
})

import { describe, expect, it } from "vitest"
import { Rng } from "../../../src/params/rng.js"
import { integratedLoudness } from "../../../src/features/lufs.js"
import { loadBackend } from "../../../src/ml/backend.js"
import { makeMrstft } from "../../../src/ml/losses/stft.js"
import { ungatedLoudness, ungatedLoudnessWithGradient } from "../../../src/ml/style/loudness.js"
import { MrStftTarget } from "../../../src/ml/style/mrstft.js"
import { styleDistance, styleStatistics } from "../../../src/ml/style/style-loss.js"

const { tf } = await loadBackend("cpu")
const fs = 22050

const noise = (n: number, seed: number, scale = 0.3): Float32Array => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n }, () => scale * rng.normal())
}

describe("plain MR-STFT (auraloss definition)", () => {
  const y = noise(4096, 1)
  const x = Float32Array.from(noise(4096, 2), (v, i) => 0.5 * v + 0.7 * y[i]!)

  it("equals the tfjs loss.mrstft", () => {
    const loss = makeMrstft(tf, {})
    const expected = tf.tidy(() => loss.fn(tf.tensor2d(y, [1, y.length]), tf.tensor2d(x, [1, x.length])).dataSync()[0]!)
    loss.dispose()
    expect(new MrStftTarget(y).value(x)).toBeCloseTo(expected, 4)
  })

  it("has the gradient of central differences", () => {
    const target = new MrStftTarget(y)
    const { gradient } = target.valueAndGradient(x)
    for (const i of [0, 7, 100, 2048, 4000, 4095]) {
      const h = 1e-4
      const up = Float64Array.from(x)
      const down = Float64Array.from(x)
      up[i]! += h
      down[i]! -= h
      const fd = (target.value(up) - target.value(down)) / (2 * h)
      expect(Math.abs(gradient[i]! - fd)).toBeLessThan(1e-3 * Math.max(1e-2, Math.abs(fd)) + 1e-6)
    }
  })
})

describe("ungated loudness", () => {
  it("equals BS.1770 integrated loudness on steady noise within 0.1 LU", () => {
    const x = noise(fs * 3, 3, 0.1)
    expect(Math.abs(ungatedLoudness(x, fs) - integratedLoudness([x], fs).integrated)).toBeLessThan(0.1)
  })
  it("has the gradient of central differences", () => {
    const x = noise(2048, 4, 0.1)
    const { gradient } = ungatedLoudnessWithGradient(x, fs)
    for (const i of [0, 500, 2047]) {
      const h = 1e-3
      const up = Float32Array.from(x)
      const down = Float32Array.from(x)
      up[i]! += h
      down[i]! -= h
      expect(gradient[i]!).toBeCloseTo((ungatedLoudness(up, fs) - ungatedLoudness(down, fs)) / (2 * h), 1)
    }
  })
})

describe("content-independent style distance", () => {
  it("is 0 for the same signal, small for other noise of the same colour, large for a filtered one", () => {
    const a = noise(fs * 2, 5)
    const b = noise(fs * 2, 6)
    const dark = new Float32Array(a.length)
    for (let i = 1; i < a.length; i++) dark[i] = 0.95 * dark[i - 1]! + 0.05 * a[i]!
    const sa = styleStatistics(a, fs)
    expect(styleDistance(sa, sa)).toBe(0)
    const same = styleDistance(sa, styleStatistics(b, fs))
    const other = styleDistance(sa, styleStatistics(dark, fs))
    expect(same).toBeLessThan(0.2)
    expect(other).toBeGreaterThan(10 * same)
  })
})

describe("match objective on silence", () => {
  it("floors loudness at −70 LUFS: a silent reference or output gives a finite value and gradient", async () => {
    const { makeObjective, LOUDNESS_FLOOR_LUFS, LOUDNESS_WEIGHT } = await import("../../../src/ml/style/objective.js")
    const rng = new Rng(3)
    const x = Float32Array.from({ length: 4096 }, () => 0.1 * rng.normal())
    const silent = new Float32Array(4096)
    const onSilence = makeObjective(silent, 16000, "match")
    const r = onSilence.valueAndGradient!(x)
    expect(Number.isFinite(r.value)).toBe(true)
    expect(r.gradient.every((g) => Number.isFinite(g))).toBe(true)
    expect(r.value).toBeCloseTo(onSilence.value(x), 5)
    const l = ungatedLoudness(x, 16000)
    const mr = new MrStftTarget(silent).value(x)
    expect(r.value).toBeCloseTo(mr + LOUDNESS_WEIGHT * (l - LOUDNESS_FLOOR_LUFS), 4)
    const onSignal = makeObjective(x, 16000, "match")
    expect(Number.isFinite(onSignal.value(silent))).toBe(true)
    expect(onSignal.valueAndGradient!(silent).gradient.every((g) => Number.isFinite(g))).toBe(true)
  })
})

import { describe, expect, it } from "vitest"
import { integratedLoudness, kWeightingFilters, lufs } from "../../src/features/lufs.js"
import { loadJson } from "./fixtures.js"
import { render, type SignalSpec } from "./signals.js"

/** Reference: ffmpeg's ebur128 filter on the same signals (test/fixtures/features/lufs.json). */
interface LufsCases {
  cases: Record<string, { spec: SignalSpec; ffmpeg_integrated: number }>
}

const { cases } = loadJson<LufsCases>("lufs.json")

describe("BS.1770-4 integrated loudness matches ffmpeg ebur128 within 0.1 LU", () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name} (${c.spec.sr} Hz, ${c.spec.channels.length} ch): ffmpeg ${c.ffmpeg_integrated} LUFS`, () => {
      const channels = render(c.spec)
      const { integrated } = integratedLoudness(channels, c.spec.sr)
      expect(Math.abs(integrated - c.ffmpeg_integrated)).toBeLessThan(0.1)
    })
  }
})

describe("K-weighting", () => {
  it("reproduces the 48 kHz coefficients printed in BS.1770-4", () => {
    const [shelf, hp] = kWeightingFilters(48000)
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 10)
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 10)
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 10)
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 10)
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 10)
    expect(hp.a1).toBeCloseTo(-1.99004745483398, 10)
    expect(hp.a2).toBeCloseTo(0.99007225036621, 10)
  })
})

describe("gating and series", () => {
  it("silence and clips shorter than one 400 ms block have no integrated loudness", () => {
    expect(integratedLoudness([new Float32Array(48000)], 48000).integrated).toBe(-Infinity)
    expect(integratedLoudness([new Float32Array(1000).fill(0.5)], 48000).integrated).toBe(-Infinity)
  })

  it("momentary and short-term series of a steady 1 kHz tone sit at its integrated loudness", () => {
    const c = cases["sine1k_48k"]!
    const channels = render(c.spec)
    const hop = 480
    const frames = Math.floor(channels[0]!.length / hop) + 1
    const out = lufs(channels, 48000, hop, frames)
    expect(out.momentary).toHaveLength(frames)
    const mid = Math.floor(frames / 2)
    expect(out.momentary[mid]).toBeCloseTo(out.integrated, 1)
    expect(out.shortTerm[mid]).toBeCloseTo(out.integrated, 1)
    // near the ends the centred window is half outside the signal: about 3 dB lower
    expect(out.momentary[0]).toBeCloseTo(out.integrated - 3.01, 0)
  })
})

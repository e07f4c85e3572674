import { describe, expect, it } from "vitest"
import { reverberationTime } from "../../../src/dsp/schroeder.js"
import { freeverb, type AlgorithmicParams } from "../../../src/effects/reverb/algorithmic.js"

const fs = 44100
const p = (over: Partial<AlgorithmicParams>): AlgorithmicParams => ({ room_size: 0.5, damping: 0.5, mix: 1, width: 1, predelay_ms: 0, ...over })
const impulse = (n: number) => Float32Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0))

describe("reverb.algorithmic (Freeverb)", () => {
  it("decays monotonically: successive 100 ms windows never gain more than 0.5 dB (modal beating), 500 ms windows always fall", () => {
    for (const room_size of [0, 0.5, 1]) {
      const ir = freeverb(impulse(fs * 4), fs, p({ room_size, damping: 0.2 }))
      const win = fs / 10
      const energies: number[] = []
      for (let w = 1; w * win + win <= ir.length; w++) {
        let e = 0
        for (let i = w * win; i < (w + 1) * win; i++) e += ir[i]! ** 2
        energies.push(e)
      }
      for (let i = 1; i < energies.length; i++) expect(energies[i]!).toBeLessThan(energies[i - 1]! * 10 ** 0.05)
      for (let i = 5; i + 5 <= energies.length; i += 5) {
        const sum = (a: number) => energies.slice(a, a + 5).reduce((x, y) => x + y, 0)
        expect(sum(i)).toBeLessThan(sum(i - 5))
      }
      expect(ir.every(Number.isFinite)).toBe(true)
    }
  })

  it("has finite energy and a longer decay for a larger room; stays bounded on loud input", () => {
    const rt = (room_size: number) => reverberationTime(freeverb(impulse(fs * 6), fs, p({ room_size })), fs).rt60
    const small = rt(0.2)
    const large = rt(0.9)
    expect(large).toBeGreaterThan(small * 1.5)
    expect(large).toBeLessThan(20)
    // Loud input, then silence: the output stays finite and dies away (no runaway loop).
    const loud = Float32Array.from({ length: fs * 12 }, (_, i) => (i < fs * 2 ? Math.sign(Math.sin(i * 0.01)) : 0))
    const out = freeverb(loud, fs, p({ room_size: 1, damping: 0 }))
    expect(out.every(Number.isFinite)).toBe(true)
    const energy = (from: number, to: number) => out.subarray(from * fs, to * fs).reduce((a, v) => a + v * v, 0)
    expect(energy(11, 12)).toBeLessThan(energy(2, 3) * 1e-3)
  })

  it("mix 0 is the dry signal; predelay delays the wet signal; width < 1 uses the second tank", () => {
    const x = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 0.07))
    expect(Array.from(freeverb(x, fs, p({ mix: 0 })))).toEqual(Array.from(x))
    const wet = freeverb(impulse(8000), fs, p({}))
    const delayed = freeverb(impulse(8000), fs, p({ predelay_ms: 10 }))
    for (let i = 0; i < 441; i++) expect(delayed[i]).toBe(0)
    for (let i = 441; i < 8000; i++) expect(delayed[i]).toBeCloseTo(wet[i - 441]!, 6)
    expect(Array.from(freeverb(impulse(8000), fs, p({ width: 0.5 })))).not.toEqual(Array.from(wet))
    expect(freeverb(impulse(100), 48000, p({})).length).toBe(100)
  })
})

import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { encodeWav } from "../../../src/audio/wav.js"
import { Rng } from "../../../src/params/rng.js"
import { convolveDefinition, convolveReverb, type ConvolveParams } from "../../../src/effects/reverb/convolve.js"

const direct = (x: ArrayLike<number>, h: ArrayLike<number>, n: number): Float64Array => {
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) for (let j = 0; j <= i && j < h.length; j++) y[i] += x[i - j]! * h[j]!
  return y
}

describe("reverb.convolve", () => {
  const rng = new Rng(4)
  const x = Float32Array.from({ length: 2000 }, () => rng.normal() * 0.3)
  const h = Float32Array.from({ length: 700 }, (_, i) => rng.normal() * Math.exp(-i / 150))
  const dir = mkdtempSync(join(tmpdir(), "audioml-reverb-"))
  const irPath = join(dir, "ir.wav")
  writeFileSync(irPath, encodeWav({ sampleRate: 16000, channels: [h, Float32Array.from(h, (v) => -v)] }))
  const params = (over: Partial<ConvolveParams>): ConvolveParams => ({ ir: irPath, channel: 0, mix: 1, normalise: "none", predelay_ms: 0, ...over })

  it("equals direct convolution with the WAV's IR (mix 1, no normalisation), truncated to the input length", () => {
    const out = convolveDefinition.process(x, 16000, params({}), new Rng(1))
    expect(out.length).toBe(x.length)
    const ref = direct(x, h, x.length)
    for (let i = 0; i < x.length; i++) expect(Math.abs(out[i]! - ref[i]!)).toBeLessThan(1e-5)
    const second = convolveDefinition.process(x, 16000, params({ channel: 1 }), new Rng(1))
    for (let i = 0; i < x.length; i++) expect(Math.abs(second[i]! + ref[i]!)).toBeLessThan(1e-5)
  })

  it("mixes, predelays and normalises", () => {
    const half = convolveReverb(x, h, { mix: 0.5, normalise: "none" })
    const full = convolveReverb(x, h, { mix: 1, normalise: "none" })
    for (let i = 0; i < x.length; i++) expect(half[i]).toBeCloseTo(0.5 * x[i]! + 0.5 * full[i]!, 5)
    const delayed = convolveReverb(x, h, { normalise: "none", predelaySamples: 100 })
    for (let i = 0; i < 100; i++) expect(Math.abs(delayed[i]!)).toBe(0)
    for (let i = 100; i < x.length; i++) expect(delayed[i]).toBeCloseTo(full[i - 100]!, 5)
    const unit = convolveReverb(Float32Array.from({ length: 1000 }, (_, i) => (i === 0 ? 1 : 0)), h, { normalise: "energy" })
    expect(unit.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 4)
  })

  it("names the file and both rates when the IR's rate differs, and reports unreadable files", () => {
    expect(() => convolveDefinition.process(x, 44100, params({}), new Rng(1))).toThrow(/ir: ".*ir.wav" is sampled at 16000 Hz but the audio is 44100 Hz/)
    expect(() => convolveDefinition.process(x, 16000, params({ ir: join(dir, "missing.wav") }), new Rng(1))).toThrow(/ir: .*missing\.wav: cannot read \(ENOENT\)/)
    const junk = join(dir, "junk.wav")
    writeFileSync(junk, "not a wav")
    expect(() => convolveDefinition.process(x, 16000, params({ ir: junk }), new Rng(1))).toThrow(/ir: .*junk\.wav: not a readable WAV/)
    expect(() => convolveDefinition.process(x, 16000, params({ channel: 2 }), new Rng(1))).toThrow(/channel: 2 does not exist/)
  })
})

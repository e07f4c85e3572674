import { describe, expect, it } from "vitest"
import { convolve, convolveInto } from "../../src/dsp/convolution.js"
import { applyChain, applyItem, resolveChain } from "../../src/effects/chain.js"
import { processEffectInto } from "../../src/effects/effect-definition.js"
import { chorus } from "../../src/effects/modulation/chorus.js"
import { effectCatalog } from "../../src/effects/registry.js"
import { Rng } from "../../src/params/rng.js"

const FS = 44100

const noise = (n: number, seed: number): Float32Array => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n }, () => 0.3 * rng.normal())
}

const sameBytes = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0

describe("processInto", () => {
  // reverb.convolve needs an IR file and circuit.spice a netlist: covered by their own tests through process()
  const effects = effectCatalog.sorted().filter((d) => d.uses !== "reverb.convolve" && d.uses !== "circuit.spice")

  it("writes exactly what process() returns, for every effect with its defaults, and leaves the input alone", () => {
    const x = noise(3 * 4096 + 123, 3) // not a whole number of any block size
    const before = Float32Array.from(x)
    for (const def of effects) {
      const params = resolveChain([{ uses: def.uses }], new Rng(0)).items[0]!.params
      const expected = def.process(x, FS, params, new Rng(1))
      const out = new Float32Array(x.length).fill(Number.NaN)
      processEffectInto(def, x, out, FS, params, new Rng(1))
      expect(sameBytes(out, expected), def.uses).toBe(true)
      expect(sameBytes(x, before), `${def.uses} modified its input`).toBe(true)
    }
  })

  it("rejects an output of the wrong length or overlapping the input, naming the effect", () => {
    const def = effectCatalog.require("eq.peaking", "uses")
    const params = resolveChain([{ uses: "eq.peaking" }], new Rng(0)).items[0]!.params
    const x = noise(1000, 4)
    expect(() => processEffectInto(def, x, new Float32Array(999), FS, params, new Rng(1))).toThrow(/eq\.peaking: output buffer has 999 samples for 1000/)
    expect(() => processEffectInto(def, x, x, FS, params, new Rng(1))).toThrow(/eq\.peaking: the output buffer overlaps the input/)
    const shared = noise(2000, 5)
    expect(() => processEffectInto(def, shared.subarray(0, 1000), shared.subarray(500, 1500), FS, params, new Rng(1))).toThrow(/overlaps/)
    // adjacent views of one buffer do not overlap
    expect(() => processEffectInto(def, shared.subarray(0, 1000), shared.subarray(1000, 2000), FS, params, new Rng(1))).not.toThrow()
  })
})

describe("applyChain on two reused buffers", () => {
  it("equals applying the items one after another on fresh buffers, for each channel, and leaves the signal alone", () => {
    const chain = resolveChain(
      [
        { uses: "eq.peaking", freq: 800, q: 1, gain_db: 4 },
        { uses: "distortion.overdrive", gain_db: 12, mix: 0.7 },
        { uses: "mod.chorus", voices: 2 },
        { uses: "dynamics.compressor" },
        { uses: "gain", gain_db: -3 }
      ],
      new Rng(2)
    )
    const signal = { sampleRate: FS, channels: [noise(10000, 6), noise(10000, 7)] }
    const copies = signal.channels.map((c) => Float32Array.from(c))
    const rng = new Rng(8)
    const out = applyChain(signal, chain, rng)
    signal.channels.forEach((channel, c) => {
      let x = channel
      for (const item of chain.items) x = applyItem(item, x, FS, rng.fork(`chain[${item.index}]`).fork(c))
      expect(sameBytes(out.channels[c]!, x), `channel ${c}`).toBe(true)
      expect(sameBytes(channel, copies[c]!)).toBe(true)
    })
    // distinct output buffers, none of them the input's
    expect(out.channels[0]).not.toBe(out.channels[1])
    expect(out.channels[0]!.buffer).not.toBe(signal.channels[0]!.buffer)
  })
})

describe("block LFO of the modulated delays", () => {
  it("keeps the chorus delay within 0.01 samples of the analytic sine LFO, also for fast deep sweeps", () => {
    // a slow ramp goes through a Hermite-interpolated delay unchanged in shape, so the
    // instantaneous delay is (x - y) / slope (as in modulation.test.ts)
    const slope = 1e-3
    const x = Float32Array.from({ length: FS / 2 }, (_, i) => i * slope)
    for (const [rate_hz, depth_ms] of [[0.8, 2], [5, 8], [20, 25]] as const) {
      const p = { rate_hz, depth_ms, centre_delay_ms: 30, feedback: 0, mix: 1, voices: 1, lfo_shape: "sine" as const, phase: 0 }
      const y = chorus(x, FS, p)
      let worst = 0
      for (let n = 3000; n < x.length; n++) {
        const d = (x[n]! - y[n]!) / slope
        const expected = (30 + depth_ms * Math.sin((2 * Math.PI * rate_hz * n) / FS)) * (FS / 1000)
        worst = Math.max(worst, Math.abs(d - expected))
      }
      // 0.01 samples of ramp error plus the float32 rounding of the ramp signal (~0.03 samples at x = 22)
      expect(worst, `${rate_hz} Hz, ${depth_ms} ms`).toBeLessThan(0.05)
    }
  })
})

describe("convolveInto", () => {
  it("equals the direct sum for IR lengths of both parities (odd and even first output sample of a block) and writes every sample", () => {
    const rng = new Rng(11)
    for (const m of [300, 301, 1, 2]) {
      const x = Float32Array.from({ length: 1500 }, () => rng.normal())
      const h = Float32Array.from({ length: m }, () => rng.normal())
      const ref = new Float64Array(1500)
      for (let i = 0; i < 1500; i++) for (let j = 0; j < m && j <= i; j++) ref[i]! += x[i - j]! * h[j]!
      const out = new Float32Array(1500).fill(Number.NaN)
      convolveInto(x, h, out, { fftSize: Math.max(4, 2 ** Math.ceil(Math.log2(2 * m))) * 2 })
      let worst = 0
      for (let i = 0; i < 1500; i++) worst = Math.max(worst, Math.abs(out[i]! - ref[i]!))
      expect(worst, `IR length ${m}`).toBeLessThan(1e-4)
      expect(sameBytes(convolve(x, h, { outputLength: 1500, fftSize: Math.max(4, 2 ** Math.ceil(Math.log2(2 * m))) * 2 }), out)).toBe(true)
    }
  })
})

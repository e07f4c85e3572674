import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { compress, compressor, type CompressorParams } from "../../src/effects/dynamics/compressor.js"
import { gate } from "../../src/effects/dynamics/gate.js"
import { limit } from "../../src/effects/dynamics/limiter.js"
import { opticalCompress, type OpticalParams } from "../../src/effects/dynamics/optical.js"
import { Rng } from "../../src/params/rng.js"

const FS = 44100
const FIXTURES = "test/fixtures/effects-dynamics"

const sine = (freq: number, n: number, levelDb: number): Float32Array => {
  const a = 10 ** (levelDb / 20)
  return Float32Array.from({ length: n }, (_, i) => a * Math.sin((2 * Math.PI * freq * i) / FS))
}
const peakDb = (x: Float32Array, from: number, to: number): number => {
  let m = 0
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(x[i]!))
  return 20 * Math.log10(m)
}
const npy = (name: string): Float32Array => decodeNpy(readFileSync(`${FIXTURES}/${name}`)).data as Float32Array

const compressorParams = (p: Partial<CompressorParams>): CompressorParams => ({
  threshold_db: -20,
  ratio: 4,
  attack_ms: 10,
  release_ms: 100,
  knee_db: 6,
  makeup_db: 0,
  detector: "branching",
  ...p
})

describe("dynamics.compressor", () => {
  const curves = JSON.parse(readFileSync(`${FIXTURES}/compressor_curve.json`, "utf8")) as Array<{
    threshold_db: number
    ratio: number
    knee_db: number
    input_db: number[]
    output_db: number[]
  }>

  // Steady 1 kHz sines, levels -60..0 dB: the settled output peak level against the
  // textbook curve (Giannoulis et al. eq. 4, computed by the numpy fixture script).
  for (const detector of ["branching", "decoupled"] as const) {
    it(`static curve matches threshold/ratio/knee within 0.5 dB (${detector} detector)`, () => {
      for (const curve of curves) {
        for (let k = 0; k < curve.input_db.length; k += 3) {
          const level = curve.input_db[k]!
          const y = compress(sine(1000, 22050, level), FS, compressorParams({
            threshold_db: curve.threshold_db, ratio: curve.ratio, knee_db: curve.knee_db, attack_ms: 1, release_ms: 1000, detector
          }))
          const out = peakDb(y, 22050 - 4410, 22050)
          expect(Math.abs(out - curve.output_db[k]!), `T=${curve.threshold_db} R=${curve.ratio} W=${curve.knee_db} in=${level}`).toBeLessThan(0.5)
        }
      }
    })
  }

  it("equals an independent numpy implementation sample by sample (both detectors, within 1e-5)", () => {
    const settings = JSON.parse(readFileSync(`${FIXTURES}/compressor_settings.json`, "utf8"))
    const input = npy("compressor_input.npy")
    for (const detector of ["branching", "decoupled"] as const) {
      const want = npy(`compressor_${detector}.npy`)
      const got = compress(input, settings.sample_rate, { ...settings, detector })
      let err = 0
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!))
      expect(err, detector).toBeLessThan(1e-5)
    }
  })

  it("attack and release are one-pole time constants on the gain reduction (dB)", () => {
    // DC steps: 1.0 (20 dB over a -20 dB threshold, ratio 4, hard knee: 15 dB reduction) then 0.01
    const n = 2 * FS
    const x = new Float32Array(n)
    for (let i = 0; i < n; i++) x[i] = i < FS ? 1 : 0.01
    const y = compress(x, FS, compressorParams({ knee_db: 0, attack_ms: 20, release_ms: 200 }))
    const grDb = (i: number) => -20 * Math.log10(y[i]! / x[i]!)
    const attackAt = Math.round(0.02 * FS)
    expect(grDb(attackAt - 1)).toBeCloseTo(15 * (1 - Math.exp(-1)), 1)
    expect(grDb(FS - 1)).toBeCloseTo(15, 3)
    expect(grDb(FS + Math.round(0.2 * FS) - 1)).toBeCloseTo(15 * Math.exp(-1), 1)
  })

  it("leaves signals below the knee untouched except for makeup gain", () => {
    const x = sine(440, 4410, -40)
    const y = compress(x, FS, compressorParams({ makeup_db: 6 }))
    const g = 10 ** (6 / 20)
    for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(x[i]! * g, 6)
  })

  it("has a schema with units, ranges and defaults for the contract params", () => {
    const props = compressor.params["properties"] as Record<string, Record<string, unknown>>
    for (const key of ["threshold_db", "ratio", "attack_ms", "release_ms", "knee_db", "makeup_db"]) {
      expect(props[key]?.["default"], key).toBeTypeOf("number")
      expect(props[key]?.["x-range"], key).toBeDefined()
    }
    expect(compressor.description).toMatch(/branching/)
  })
})

describe("dynamics.limiter", () => {
  const loudMaterial = (): Float32Array => {
    const rng = new Rng(11)
    const n = FS
    const x = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      const burst = Math.floor(i / 2205) % 3 === 1 ? 4 : 0.3 // +12 dB bursts every 50 ms
      x[i] = burst * (rng.normal() * 0.5 + 0.5 * Math.sin((2 * Math.PI * 220 * i) / FS))
    }
    x[30000] = 8 // isolated spike right after quieter material
    x[30001] = -8
    return x
  }

  it("never exceeds the threshold, whatever the look-ahead and release", () => {
    const x = loudMaterial()
    for (const lookahead_ms of [0, 0.5, 5, 20]) {
      for (const release_ms of [0, 10, 200]) {
        for (const threshold_db of [-1, -12]) {
          const y = limit(x, FS, { threshold_db, release_ms, lookahead_ms })
          const ceiling = 10 ** (threshold_db / 20)
          let peak = 0
          for (let i = 0; i < y.length; i++) peak = Math.max(peak, Math.abs(y[i]!))
          expect(peak, `lookahead ${lookahead_ms} release ${release_ms} T ${threshold_db}`).toBeLessThanOrEqual(ceiling)
          expect(peak).toBeGreaterThan(ceiling * 0.9) // it limits, it does not just turn down
        }
      }
    }
  })

  it("is time-aligned and transparent below the threshold", () => {
    const x = sine(1000, 8820, -6)
    expect(Array.from(limit(x, FS, { threshold_db: -1, release_ms: 50, lookahead_ms: 5 }))).toEqual(Array.from(x))
  })

  it("fades in over the look-ahead and releases with release_ms", () => {
    const n = FS
    const x = new Float32Array(n).fill(0.1)
    x[22050] = 1 // a spike 6 dB over the 0.5 threshold, on a quiet bed
    const y = limit(x, FS, { threshold_db: 20 * Math.log10(0.5), release_ms: 100, lookahead_ms: 5 })
    expect(Math.abs(y[22050]!)).toBeLessThanOrEqual(0.5)
    expect(y[22050]!).toBeGreaterThan(0.49)
    // gain begins falling about one look-ahead (220 samples) before the spike
    expect(y[22050 - 250]).toBe(x[0])
    expect(y[22050 - 110]!).toBeLessThan(0.1)
    // released to ~1 - 0.5/e of full after 100 ms + the look-ahead fade
    const g = y[22050 + 4410 + 220]! / 0.1
    expect(g).toBeGreaterThan(0.75)
    expect(g).toBeLessThan(0.86)
  })
})

describe("dynamics.gate", () => {
  it("attenuates below the threshold by the ratio and passes above it (steady sines, within 0.5 dB)", () => {
    for (const ratio of [2, 4]) {
      for (let level = -80; level <= -30; level += 5) {
        const y = gate(sine(1000, FS, level), FS, { threshold_db: -50, ratio, attack_ms: 1, release_ms: 100, range_db: 90, hold_ms: 200 })
        const want = level >= -50 ? level : -50 + ratio * (level + 50)
        expect(Math.abs(peakDb(y, FS - 4410, FS) - want), `ratio ${ratio} level ${level}`).toBeLessThan(0.5)
      }
    }
  })

  it("caps the attenuation at range_db and closes with release_ms after the signal stops", () => {
    const y = gate(sine(1000, FS, -90), FS, { threshold_db: -40, ratio: 100, attack_ms: 1, release_ms: 50, range_db: 30, hold_ms: 20 })
    expect(peakDb(y, FS - 4410, FS)).toBeCloseTo(-120, 0)
    const n = FS
    const x = new Float32Array(n)
    for (let i = 0; i < n; i++) x[i] = (i < FS / 2 ? 0.5 : 0.001) * Math.sin((2 * Math.PI * 1000 * i) / FS)
    const z = gate(x, FS, { threshold_db: -30, ratio: 10, attack_ms: 1, release_ms: 50, range_db: 60, hold_ms: 5 })
    // 10 ms after the drop the gate is still mostly open, 400 ms after it is closed
    expect(peakDb(z, FS / 2 + 441, FS / 2 + 882) - peakDb(x, FS / 2 + 441, FS / 2 + 882)).toBeGreaterThan(-30)
    expect(peakDb(z, n - 4410, n) - peakDb(x, n - 4410, n)).toBeCloseTo(-60, 0)
  })
})

describe("dynamics.optical", () => {
  const params = (p: Partial<OpticalParams>): OpticalParams => ({ peak_reduction: 60, mode: "compress", gain_db: 0, ...p })

  /** Seconds after a loud burst (1 kHz, -6 dB) of `burstS` until the gain reduction is back within 1 dB. */
  const recoveryTime = (burstS: number): number => {
    const nb = Math.round(burstS * FS)
    const nq = 5 * FS
    const x = new Float32Array(nb + nq)
    for (let i = 0; i < x.length; i++) x[i] = (i < nb ? 0.5 : 0.005) * Math.sin((2 * Math.PI * 1000 * i) / FS)
    const y = opticalCompress(x, FS, params({}))
    for (let i = nb; i + 441 < x.length; i += 220) {
      if (peakDb(y, i, i + 441) - peakDb(x, i, i + 441) > -1) return (i - nb) / FS
    }
    return Infinity
  }

  it("releases program-dependently: faster after a short burst than after a long one", () => {
    const short = recoveryTime(0.05)
    const long = recoveryTime(3)
    expect(short).toBeLessThan(0.5)
    expect(long).toBeGreaterThan(2)
    expect(recoveryTime(1)).toBeGreaterThan(short)
    expect(recoveryTime(1)).toBeLessThan(long)
  })

  it("limit mode compresses more than compress mode; compress is about 3:1 and limit over 10:1", () => {
    const settled = (level: number, mode: OpticalParams["mode"]) => {
      const y = opticalCompress(sine(1000, 2 * FS, level), FS, params({ mode }))
      return peakDb(y, 2 * FS - 4410, 2 * FS)
    }
    for (const level of [-15, -10, -5, 0]) expect(settled(level, "limit")).toBeLessThan(settled(level, "compress") - 1)
    const slopeCompress = 10 / (settled(0, "compress") - settled(-10, "compress"))
    const slopeLimit = 10 / (settled(0, "limit") - settled(-10, "limit"))
    expect(slopeCompress).toBeGreaterThan(2.5)
    expect(slopeCompress).toBeLessThan(3.5)
    expect(slopeLimit).toBeGreaterThan(10)
  })

  it("peak_reduction sets the amount: 0 leaves full scale alone, more reduces more; gain_db is output gain", () => {
    const x = sine(1000, FS, -3)
    const y0 = opticalCompress(x, FS, params({ peak_reduction: 0, gain_db: 6 }))
    const g = 10 ** (6 / 20)
    for (let i = 0; i < x.length; i += 97) expect(y0[i]).toBeCloseTo(x[i]! * g, 5)
    const levels = [20, 50, 80].map((pr) => peakDb(opticalCompress(x, FS, params({ peak_reduction: pr })), FS - 4410, FS))
    expect(levels[0]!).toBeGreaterThan(levels[1]!)
    expect(levels[1]!).toBeGreaterThan(levels[2]!)
  })

  it("is deterministic", () => {
    const rng = new Rng(3)
    const x = Float32Array.from({ length: 20000 }, () => rng.normal() * 0.3)
    expect(Array.from(opticalCompress(x, FS, params({ mode: "limit" })))).toEqual(Array.from(opticalCompress(x, FS, params({ mode: "limit" }))))
  })
})

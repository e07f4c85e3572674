import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { designSynthFilter, SynthFilter, FILTER_BANDPASS, FILTER_HIGHPASS, FILTER_LOWPASS, FILTER_NOTCH } from "../../src/synth/filter.js"
import { NoiseSource, OSC_PULSE, OSC_SAW, OSC_SINE, SynthOscillator } from "../../src/synth/oscillator.js"
import { LinearAdsr } from "../../src/synth/envelope.js"
import { renderNote } from "../../src/synth/render.js"
import { controlValue, defaultPresetValues, synthParamByName, unitValue } from "../../src/synth/params.js"

const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/synth/filter-design.json"), "utf8")) as {
  sample_rate: number
  cases: Array<{ type: string; cutoff: number; resonance: number; b: number[]; a: number[]; f3db_12?: number; f3db_24?: number }>
  butterworth_lowpass_1k: { cutoff: number; b: number[]; a: number[] }
}
const FS = fixture.sample_rate
const types: Record<string, number> = { lowpass: FILTER_LOWPASS, highpass: FILTER_HIGHPASS, bandpass: FILTER_BANDPASS, notch: FILTER_NOTCH }
const coeffs = () => ({ b0: 0, b1: 0, b2: 0, a1: 0, a2: 0 })

/** Steady-state gain (dB) of the filter for a sine at `freq`: peak of the last 0.1 s. */
const sineGainDb = (type: number, cutoff: number, res: number, slope24: boolean, freq: number): number => {
  const n = Math.round(FS * 0.6)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * freq * i) / FS)
  const f = new SynthFilter(FS)
  for (let i = 0; i < n; i += 64) f.process(x, i, Math.min(64, n - i), type, cutoff, res, slope24)
  // Least-squares fit of a·sin + b·cos at `freq` over the last 0.1 s (exact for any window length).
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0
  for (let i = n - Math.round(FS * 0.1); i < n; i++) {
    const s = Math.sin((2 * Math.PI * freq * i) / FS)
    const c = Math.cos((2 * Math.PI * freq * i) / FS)
    ss += s * s
    cc += c * c
    sc += s * c
    xs += x[i]! * s
    xc += x[i]! * c
  }
  const det = ss * cc - sc * sc
  const a = (xs * cc - xc * sc) / det
  const b = (xc * ss - xs * sc) / det
  return 20 * Math.log10(Math.hypot(a, b))
}

describe("synth filter against scipy's bilinear design of the same prototype", () => {
  it("has scipy's coefficients for every type, cutoff and resonance", () => {
    for (const c of fixture.cases) {
      const d = designSynthFilter(types[c.type]!, c.cutoff, c.resonance, FS, coeffs())
      const ours = [d.b0, d.b1, d.b2, 1, d.a1, d.a2]
      const theirs = [...c.b, ...c.a]
      ours.forEach((v, i) => expect(v, `${c.type} ${c.cutoff} Hz res ${c.resonance} [${i}]`).toBeCloseTo(theirs[i]!, 9))
    }
  })

  it("is scipy's Butterworth at resonance 1 − √2/2", () => {
    const d = designSynthFilter(FILTER_LOWPASS, 1000, 1 - Math.SQRT2 / 2, FS, coeffs())
    const { b, a } = fixture.butterworth_lowpass_1k
    ;[d.b0, d.b1, d.b2, d.a1, d.a2].forEach((v, i) => expect(v).toBeCloseTo([b[0]!, b[1]!, b[2]!, a[1]!, a[2]!][i]!, 9))
  })

  it("passes a sine at scipy's −3 dB frequency at −3 dB (12 and 24 dB slopes)", () => {
    const picked = fixture.cases.filter((c) => (c.type === "lowpass" || c.type === "highpass") && c.cutoff <= 5000)
    let checked = 0
    for (const c of picked) {
      if (c.f3db_12 !== undefined) {
        expect(sineGainDb(types[c.type]!, c.cutoff, c.resonance, false, c.f3db_12), `${c.type} ${c.cutoff} ${c.resonance} 12 dB`).toBeCloseTo(-3, 2)
        checked++
      }
      if (c.f3db_24 !== undefined) {
        expect(sineGainDb(types[c.type]!, c.cutoff, c.resonance, true, c.f3db_24), `${c.type} ${c.cutoff} ${c.resonance} 24 dB`).toBeCloseTo(-3, 2)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
  })
})

/** Amplitude of harmonic k of a signal whose period is `period` samples (over whole periods). */
const harmonic = (x: Float32Array, period: number, k: number): number => {
  const n = Math.floor(x.length / period) * period
  let re = 0
  let im = 0
  for (let i = 0; i < n; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * k * i) / period)
    im -= x[i]! * Math.sin((2 * Math.PI * k * i) / period)
  }
  return (2 / n) * Math.hypot(re, im)
}

const oscillator = (waveform: number, shape: number, period = 100): Float32Array => {
  const osc = new SynthOscillator(FS, new NoiseSource(1))
  const out = new Float32Array(period * 60)
  for (let i = 0; i < out.length; i += 64) osc.process(out, i, Math.min(64, out.length - i), waveform, FS / period, shape)
  return out.subarray(period * 10)
}

describe("synth oscillators: harmonic amplitudes of the closed-form Fourier series", () => {
  it("saw (shape 1): 2/(πk)", () => {
    const x = oscillator(OSC_SAW, 1)
    for (let k = 1; k <= 8; k++) expect(harmonic(x, 100, k) / (2 / (Math.PI * k)), `k=${k}`).toBeCloseTo(1, 1)
  })
  it("square (pulse shape 0): 4/(πk) for odd k, 0 for even k", () => {
    const x = oscillator(OSC_PULSE, 0)
    for (let k = 1; k <= 9; k += 2) expect(harmonic(x, 100, k) / (4 / (Math.PI * k)), `k=${k}`).toBeCloseTo(1, 1)
    for (let k = 2; k <= 8; k += 2) expect(harmonic(x, 100, k), `k=${k}`).toBeLessThan(0.01)
  })
  it("triangle (saw shape 0): 8/(π²k²) for odd k", () => {
    const x = oscillator(OSC_SAW, 0)
    for (let k = 1; k <= 7; k += 2) expect(harmonic(x, 100, k) / (8 / (Math.PI * Math.PI * k * k)), `k=${k}`).toBeCloseTo(1, 1)
    for (let k = 2; k <= 8; k += 2) expect(harmonic(x, 100, k), `k=${k}`).toBeLessThan(0.005)
  })
  it("pulse of width w: harmonic k is (4/(πk))·|sin(πk·d)| with d the high fraction", () => {
    const shape = 0.5 // high fraction d = 0.5 + 0.5·0.5 = 0.75
    const x = oscillator(OSC_PULSE, shape)
    for (let k = 1; k <= 6; k++) {
      const expected = (4 / (Math.PI * k)) * Math.abs(Math.sin(Math.PI * k * 0.75))
      if (expected > 0.05) expect(harmonic(x, 100, k) / expected, `k=${k}`).toBeCloseTo(1, 1)
      else expect(harmonic(x, 100, k)).toBeLessThan(0.01)
    }
  })
  it("sine: one harmonic", () => {
    const x = oscillator(OSC_SINE, 0)
    expect(harmonic(x, 100, 1)).toBeCloseTo(1, 3)
    expect(harmonic(x, 100, 2)).toBeLessThan(1e-4)
  })
})

describe("envelope timing", () => {
  it("ramps linearly over ⌊t·rate⌋ frames: attack to 1, decay to sustain, release to 0", () => {
    const env = new LinearAdsr(1000, 0.1, 0.2, 0.5, 0.3)
    const out = new Float32Array(1000)
    env.noteOn()
    env.process(out, 0, 500)
    env.noteOff()
    env.process(out, 500, 500)
    expect(out[0]).toBe(0)
    expect(out[50]).toBeCloseTo(0.5, 5)
    expect(out[100]).toBeCloseTo(1, 5)
    expect(out[200]).toBeCloseTo(0.75, 5)
    expect(out[300]).toBeCloseTo(0.5, 5)
    expect(out[499]).toBeCloseTo(0.5, 5)
    expect(out[650]).toBeCloseTo(0.25, 5)
    expect(out[800]).toBe(0)
    expect(env.isOff).toBe(true)
  })

  it("maps raw times with amsynth's law (raw³ + 0.5 ms) and renders the attack in that time", () => {
    const attack = synthParamByName("amp_attack")!
    expect(controlValue(attack, 1)).toBeCloseTo(1.0005, 9)
    expect(unitValue(attack, 0.5)).toBeCloseTo(0.1255, 9)
    const v = defaultPresetValues()
    const set = (name: string, raw: number) => (v[synthParamByName(name)!.index] = raw)
    set("osc1_waveform", 0)
    set("osc_mix", -1)
    set("filter_type", 4)
    set("master_vol", 0.3)
    set("amp_attack", Math.cbrt(0.5 - 0.0005)) // 0.5 s
    set("amp_sustain", 1)
    const y = renderNote(v, { note: 69, seconds: 1, noteSeconds: 1, velocity: 127 })
    const rms = (t: number) => {
      const a = Math.round(t * FS) - 441
      let s = 0
      for (let i = a; i < a + 882; i++) s += y[i]! * y[i]!
      return Math.sqrt(s / 882)
    }
    const full = rms(0.8)
    expect(rms(0.25) / full).toBeCloseTo(0.5, 1)
    expect(rms(0.5) / full).toBeCloseTo(1, 1)
    expect(rms(0.125) / full).toBeCloseTo(0.25, 1)
  })
})

describe("renderNote", () => {
  const sine = () => {
    const v = defaultPresetValues()
    const set = (name: string, raw: number) => (v[synthParamByName(name)!.index] = raw)
    set("osc1_waveform", 0)
    set("osc2_waveform", 0)
    set("filter_type", 4)
    set("master_vol", 0.3)
    return { v, set }
  }
  const goertzel = (y: Float32Array, f: number) => {
    let re = 0
    let im = 0
    for (let i = 0; i < y.length; i++) {
      re += y[i]! * Math.cos((2 * Math.PI * f * i) / FS)
      im -= y[i]! * Math.sin((2 * Math.PI * f * i) / FS)
    }
    return Math.hypot(re, im) / y.length
  }

  it("plays the note's pitch, and oscillator 2 an octave up with osc2_range = 1", () => {
    const { v, set } = sine()
    set("osc_mix", -1)
    const a = renderNote(v, { note: 69, seconds: 0.5 })
    expect(goertzel(a, 440)).toBeGreaterThan(20 * goertzel(a, 880))
    set("osc_mix", 1)
    set("osc2_range", 1)
    const b = renderNote(v, { note: 69, seconds: 0.5 })
    expect(goertzel(b, 880)).toBeGreaterThan(20 * goertzel(b, 440))
  })

  it("ring modulation of two sines gives the sum and difference frequencies", () => {
    const { v, set } = sine()
    set("osc_mix_mode", 1)
    set("osc2_pitch", 7) // 440 · 2^(7/12) ≈ 659.3 Hz
    const y = renderNote(v, { note: 69, seconds: 0.5 })
    const f2 = 440 * Math.pow(2, 7 / 12)
    expect(goertzel(y, f2 + 440)).toBeGreaterThan(10 * goertzel(y, 440))
    expect(goertzel(y, f2 - 440)).toBeGreaterThan(10 * goertzel(y, f2))
  })

  it("is deterministic, has the requested length, and is silent after the release", () => {
    const v = defaultPresetValues()
    v[synthParamByName("osc1_waveform")!.index] = 3 // noise
    const a = renderNote(v, { seconds: 1, noteSeconds: 0.5, seed: 7 })
    const b = renderNote(v, { seconds: 1, noteSeconds: 0.5, seed: 7 })
    expect(a.length).toBe(44100)
    expect(a).toEqual(b)
    expect(Math.max(...a.subarray(0, 22050).map(Math.abs))).toBeGreaterThan(0.05)
    expect(Math.max(...a.subarray(30000).map(Math.abs))).toBe(0)
    expect(renderNote(v, { seconds: 1, noteSeconds: 0.5, seed: 8 })).not.toEqual(a)
  })
})

import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { pyin } from "../../src/features/pyin.js"
import { yin, type F0Track } from "../../src/features/yin.js"
import { betaCdf } from "../../src/features/special.js"

/**
 * Reference: synthetic harmonic tones whose F0 is known at every sample (vibrato), with
 * and without white noise, between stretches of silence (or noise alone).
 * Acceptance: median |error| <= 10 cents and <= 2 % gross errors (> 50 cents) on voiced
 * frames, voicing right on >= 95 % of the frames (tone vs silence).
 */
const SR = 22050
const HOP = 512
const FRAME = 2048

interface Tone {
  f0: number
  vibratoCents: number
  vibratoHz: number
  noiseRms: number
}

const toneStart = 0.5
const toneEnd = 2.0
const total = 2.5

const trueF0 = (tone: Tone, t: number): number =>
  tone.f0 * Math.pow(2, (tone.vibratoCents / 1200) * Math.sin(2 * Math.PI * tone.vibratoHz * t))

const synth = (tone: Tone, seed: number): Float32Array => {
  const n = Math.round(total * SR)
  const y = new Float32Array(n)
  const rng = new Rng(seed)
  let phase = 0
  for (let i = 0; i < n; i++) {
    const t = i / SR
    phase += (2 * Math.PI * trueF0(tone, t)) / SR
    let v = 0
    if (t >= toneStart && t < toneEnd) {
      for (let h = 1; h <= 6; h++) if (tone.f0 * h * 1.1 < SR / 2) v += Math.sin(h * phase) / h
      v *= 0.3
    }
    y[i] = v + (tone.noiseRms > 0 ? tone.noiseRms * rng.normal() : 0)
  }
  return y
}

interface Score {
  medianCents: number
  grossRate: number
  voicingAccuracy: number
  evaluated: number
}

const score = (track: F0Track, tone: Tone): Score => {
  const errors: number[] = []
  let gross = 0
  let right = 0
  let counted = 0
  const margin = FRAME / 2 / SR // frames whose window straddles an edge are ambiguous
  for (let t = 0; t < track.frames; t++) {
    const time = (t * HOP) / SR
    const inside = time >= toneStart + margin && time <= toneEnd - margin
    const outside = time <= toneStart - margin || time >= toneEnd + margin
    if (!inside && !outside) continue
    counted++
    if ((track.voiced[t] === 1) === inside) right++
    if (inside && track.voiced[t] === 1) {
      const cents = Math.abs(1200 * Math.log2(track.f0[t]! / trueF0(tone, time)))
      errors.push(cents)
      if (cents > 50) gross++
    }
  }
  errors.sort((a, b) => a - b)
  return {
    medianCents: errors[Math.floor(errors.length / 2)] ?? Infinity,
    grossRate: errors.length === 0 ? 1 : gross / errors.length,
    voicingAccuracy: right / counted,
    evaluated: errors.length
  }
}

const tones: Array<[string, Tone]> = [
  ["110 Hz, ±50 cents vibrato at 5.5 Hz", { f0: 110, vibratoCents: 50, vibratoHz: 5.5, noiseRms: 0 }],
  ["440 Hz, ±30 cents vibrato at 6 Hz", { f0: 440, vibratoCents: 30, vibratoHz: 6, noiseRms: 0 }],
  ["1200 Hz, ±40 cents vibrato at 4 Hz", { f0: 1200, vibratoCents: 40, vibratoHz: 4, noiseRms: 0 }],
  ["220 Hz vibrato + white noise at 20 dB SNR", { f0: 220, vibratoCents: 50, vibratoHz: 5, noiseRms: 0.025 }],
  ["660 Hz vibrato + white noise at 20 dB SNR", { f0: 660, vibratoCents: 30, vibratoHz: 6, noiseRms: 0.025 }]
]

const options = { fmin: 65, fmax: 2093, frameLength: FRAME, hop: HOP }

describe.each([
  ["yin", (y: Float32Array) => yin(y, SR, { ...options, threshold: 0.1 })],
  ["pyin", (y: Float32Array) => pyin(y, SR, options)]
] as const)("%s on synthetic tones with known F0", (_, track) => {
  tones.forEach(([label, tone], k) => {
    it(label, () => {
      const out = track(synth(tone, 100 + k))
      expect(out.frames).toBe(1 + Math.floor(Math.round(total * SR) / HOP))
      const s = score(out, tone)
      expect(s.evaluated).toBeGreaterThan(40)
      expect(s.medianCents).toBeLessThanOrEqual(10)
      expect(s.grossRate).toBeLessThanOrEqual(0.02)
      expect(s.voicingAccuracy).toBeGreaterThanOrEqual(0.95)
      for (let t = 0; t < out.frames; t++) {
        if (out.voiced[t] === 0) expect(out.f0[t]).toBe(0)
        expect(out.voicedProb[t]).toBeGreaterThanOrEqual(0)
        expect(out.voicedProb[t]).toBeLessThanOrEqual(1)
      }
    })
  })

  it("silence is unvoiced everywhere with f0 = 0 and voiced_prob = 0", () => {
    const out = track(new Float32Array(SR))
    expect(Array.from(out.voiced).every((v) => v === 0)).toBe(true)
    expect(Array.from(out.f0).every((v) => v === 0)).toBe(true)
    expect(Array.from(out.voicedProb).every((v) => v === 0)).toBe(true)
  })
})

describe("f0 parameters", () => {
  it("rejects a frame too short for fmin and fmax above Nyquist", () => {
    expect(() => yin(new Float32Array(1000), SR, { fmin: 20, fmax: 2000, frameLength: 512, threshold: 0.1 })).toThrow(/frame_length/)
    expect(() => pyin(new Float32Array(1000), 8000, { fmin: 65, fmax: 5000, frameLength: 1024 })).toThrow(/Nyquist/)
  })

  it("beta CDF matches closed forms (Beta(2, 18) as pYIN's prior)", () => {
    // I_x(1, b) = 1 - (1 - x)^b ; I_x(2, 18) by the binomial sum
    expect(betaCdf(0.3, 1, 5)).toBeCloseTo(1 - Math.pow(0.7, 5), 12)
    const x = 0.1
    let s = 0
    const binom = (n: number, k: number): number => { let r = 1; for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i; return r }
    for (let j = 2; j <= 19; j++) s += binom(19, j) * Math.pow(x, j) * Math.pow(1 - x, 19 - j)
    expect(betaCdf(x, 2, 18)).toBeCloseTo(s, 12)
    expect(betaCdf(0.9, 2, 18)).toBeCloseTo(1, 12)
  })
})

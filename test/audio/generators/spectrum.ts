/** Spectral measurements used by the generator tests (independent of the code under test). */
import { realFft, nextPow2 } from "../../../src/dsp/fft.js"

const hann = (n: number): Float64Array => {
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
  return w
}

/** Power spectrum |X(k)|² (bins 0…size/2) of a Hann-windowed, zero-padded frame. */
export const powerSpectrum = (x: ArrayLike<number>, size = nextPow2(x.length)): Float64Array => {
  const w = hann(x.length)
  const frame = new Float64Array(size)
  for (let i = 0; i < x.length; i++) frame[i] = x[i]! * w[i]!
  const s = realFft(frame)
  const out = new Float64Array(size / 2 + 1)
  for (let k = 0; k <= size / 2; k++) out[k] = s[2 * k]! ** 2 + s[2 * k + 1]! ** 2
  return out
}

/** Welch PSD: Hann frames of `frame` samples, 50 % overlap, averaged. */
export const welch = (x: ArrayLike<number>, frame: number): Float64Array => {
  const psd = new Float64Array(frame / 2 + 1)
  let count = 0
  for (let start = 0; start + frame <= x.length; start += frame / 2) {
    const p = powerSpectrum(Array.prototype.slice.call(x, start, start + frame) as number[], frame)
    for (let k = 0; k < psd.length; k++) psd[k]! += p[k]!
    count++
  }
  for (let k = 0; k < psd.length; k++) psd[k]! /= count
  return psd
}

/**
 * Slope in dB per octave of a PSD: mean power in each octave band from `fLow` up to
 * `fHigh`, then a least-squares line of 10·log10(power) against log2(band centre).
 */
export const octaveSlope = (psd: Float64Array, sampleRate: number, fLow: number, fHigh: number): number => {
  const binHz = sampleRate / (2 * (psd.length - 1))
  const xs: number[] = []
  const ys: number[] = []
  for (let f = fLow; f * 2 <= fHigh; f *= 2) {
    let s = 0
    let n = 0
    for (let k = Math.ceil(f / binHz); k < (2 * f) / binHz; k++) {
      s += psd[k]!
      n++
    }
    xs.push(Math.log2(f * Math.SQRT2))
    ys.push(10 * Math.log10(s / n))
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return num / den
}

/** Frequency of the strongest bin, refined by a parabola through log magnitudes. */
export const peakFrequency = (x: ArrayLike<number>, sampleRate: number, size = nextPow2(x.length) * 4, fMin = 0, fMax = sampleRate / 2): number => {
  const p = powerSpectrum(x, size)
  const binHz = sampleRate / size
  let best = Math.max(1, Math.ceil(fMin / binHz))
  for (let k = best; k < Math.min(p.length - 1, fMax / binHz); k++) if (p[k]! > p[best]!) best = k
  const a = Math.log(p[best - 1]! + 1e-300)
  const b = Math.log(p[best]! + 1e-300)
  const c = Math.log(p[best + 1]! + 1e-300)
  const delta = (0.5 * (a - c)) / (a - 2 * b + c)
  return (best + delta) * binHz
}

export const cents = (f: number, ref: number): number => 1200 * Math.log2(f / ref)

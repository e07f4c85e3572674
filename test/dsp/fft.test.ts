import FFT from "fft.js"
import { describe, expect, it } from "vitest"
import { ComplexFft, RealFft } from "../../src/dsp/fft.js"
import { wasmFftAvailable } from "../../src/dsp/fft-wasm.js"
import { Rng } from "../../src/params/rng.js"

/** Reference: fft.js's complex transform (the project's FFT dependency). */
const reference = (x: Float64Array): Float64Array => {
  const m = x.length / 2
  const out = new Float64Array(2 * m)
  if (m === 1) {
    out.set(x)
    return out
  }
  new FFT(m).transform(out as unknown as number[], x as unknown as number[])
  return out
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
  return worst
}

describe("ComplexFft", () => {
  it("has the WebAssembly SIMD kernel on this Node", () => {
    expect(wasmFftAvailable()).toBe(true)
    expect(new ComplexFft(1024).accelerated).toBe(true)
    expect(new ComplexFft(1024, { wasm: false }).accelerated).toBe(false)
  })

  for (const m of [1, 2, 4, 8, 16, 32, 256, 1024, 2048, 65536]) {
    it(`equals fft.js, and its WebAssembly and TypeScript kernels agree bit for bit (m = ${m})`, () => {
      const rng = new Rng(m)
      const x = new Float64Array(2 * m).map(() => rng.normal())
      const w = new Float64Array(2 * m).map(() => rng.uniform(0, 1))
      const ref = reference(x)
      const wasm = new ComplexFft(m)
      const js = new ComplexFft(m, { wasm: false })
      const a = new Float64Array(2 * m)
      const b = new Float64Array(2 * m)
      wasm.forward(x, a)
      js.forward(x, b)
      expect(maxAbsDiff(a, ref)).toBeLessThan(1e-12 * m * Math.log2(2 * m))
      expect(maxAbsDiff(a, b)).toBe(0)
      // windowed: FFT(x·w)
      const xw = x.map((v, i) => v * w[i]!)
      wasm.forwardWindowed(x, w, a)
      js.forwardWindowed(x, w, b)
      expect(maxAbsDiff(a, reference(xw))).toBeLessThan(1e-12 * m * Math.log2(2 * m))
      expect(maxAbsDiff(a, b)).toBe(0)
      // the instance's own buffers, and a second window (recognised by identity)
      const w2 = w.map((v) => 1 - v)
      wasm.input.set(x)
      wasm.run(w2)
      expect(maxAbsDiff(wasm.output, reference(x.map((v, i) => v * w2[i]!)))).toBeLessThan(1e-12 * m * Math.log2(2 * m))
    })
  }
})

describe("RealFft", () => {
  it("power spectrum equals |forward|², from a buffer and read windowed in place from a signal", () => {
    const rng = new Rng(3)
    const n = 2048
    const y = Float32Array.from({ length: 3 * n }, () => rng.normal())
    const window = new Float64Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n))
    const fft = new RealFft(n)
    const frame = new Float64Array(n).map((_, i) => y[700 + i]! * window[i]!)
    const re = new Float64Array(n / 2 + 1)
    const im = new Float64Array(n / 2 + 1)
    fft.forward(frame, re, im)
    const p1 = new Float64Array(n / 2 + 1)
    const p2 = new Float64Array(n / 2 + 1)
    fft.powerSpectrum(frame, p1)
    fft.powerSpectrumWindowed(y, 700, window, p2)
    for (let k = 0; k <= n / 2; k++) {
      const p = re[k]! ** 2 + im[k]! ** 2
      expect(Math.abs(p1[k]! - p)).toBeLessThanOrEqual(1e-9 * (1 + p))
      expect(Math.abs(p2[k]! - p)).toBeLessThanOrEqual(1e-9 * (1 + p))
    }
  })
})

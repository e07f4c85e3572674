import { describe, expect, it } from "vitest"
import { RealFft, realFft } from "../../src/dsp/fft.js"
import { Rng } from "../../src/params/rng.js"

/** Reference: fft.js's full complex spectrum (src/dsp/fft.ts realFft). */
describe("RealFft", () => {
  for (const n of [4, 8, 64, 2048]) {
    it(`forward equals fft.js and inverse restores the signal (n = ${n})`, () => {
      const rng = new Rng(n)
      const x = new Float64Array(n).map(() => rng.normal())
      const ref = realFft(x)
      const fft = new RealFft(n)
      const re = new Float64Array(n / 2 + 1)
      const im = new Float64Array(n / 2 + 1)
      fft.forward(x, re, im)
      let worst = 0
      for (let k = 0; k <= n / 2; k++) worst = Math.max(worst, Math.abs(re[k]! - ref[2 * k]!), Math.abs(im[k]! - ref[2 * k + 1]!))
      expect(worst).toBeLessThan(1e-9 * n)
      const back = new Float64Array(n)
      fft.inverse(re, im, back)
      let err = 0
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(back[i]! - x[i]!))
      expect(err).toBeLessThan(1e-12 * n)
    })
  }
})

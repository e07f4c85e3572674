import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { decodeNpy } from "../../src/audio/npy.js"
import { chooseBlockSize, convolve, PartitionedConvolver } from "../../src/dsp/convolution.js"
import { Rng } from "../../src/params/rng.js"

const fixture = (name: string) => decodeNpy(readFileSync(new URL(`../fixtures/reverb/${name}`, import.meta.url))).data

/** O(N·M) time-domain reference. */
const direct = (x: ArrayLike<number>, h: ArrayLike<number>): Float64Array => {
  const y = new Float64Array(x.length + h.length - 1)
  for (let i = 0; i < x.length; i++) for (let j = 0; j < h.length; j++) y[i + j] += x[i]! * h[j]!
  return y
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe("partitioned FFT convolution", () => {
  it("equals numpy's np.convolve (fixture) within 1e-5 for several block sizes", () => {
    const x = fixture("convolve_x.npy")
    const h = fixture("convolve_h.npy")
    const y = fixture("convolve_y.npy")
    expect(y.length).toBe(x.length + h.length - 1)
    for (const blockSize of [64, 256, 1024, 4096, undefined]) {
      const out = convolve(x, h, blockSize === undefined ? {} : { blockSize })
      expect(out.length).toBe(y.length)
      expect(maxAbsDiff(out, y)).toBeLessThan(1e-5)
    }
  })

  it("equals a direct O(N·M) convolution on tiny inputs, including IRs shorter and longer than a block", () => {
    const rng = new Rng(5)
    for (const [n, m, B] of [[1, 1, 2], [7, 3, 2], [50, 129, 16], [300, 40, 64], [33, 33, 32]] as const) {
      const x = Float32Array.from({ length: n }, () => rng.normal())
      const h = Float32Array.from({ length: m }, () => rng.normal())
      expect(maxAbsDiff(convolve(x, h, { blockSize: B }), direct(x, h))).toBeLessThan(1e-5)
    }
  })

  it("truncates to outputLength and streams block by block", () => {
    const rng = new Rng(9)
    const x = Float32Array.from({ length: 1000 }, () => rng.normal())
    const h = Float32Array.from({ length: 300 }, () => rng.normal())
    const ref = direct(x, h)
    const out = convolve(x, h, { outputLength: 1000 })
    expect(out.length).toBe(1000)
    expect(maxAbsDiff(out, ref.subarray(0, 1000))).toBeLessThan(1e-5)
    const conv = new PartitionedConvolver(h, 128)
    expect(conv.partitions).toBe(3)
    const streamed = new Float32Array(1299)
    for (let o = 0; o < streamed.length; o += 128) conv.processBlock(x, o, streamed)
    expect(maxAbsDiff(streamed, ref)).toBeLessThan(1e-5)
  })

  it("picks larger partitions for long inputs and rejects bad block sizes", () => {
    expect(chooseBlockSize(44100 * 60, 22050)).toBeGreaterThanOrEqual(1024)
    expect(chooseBlockSize(256, 64)).toBeLessThanOrEqual(512)
    expect(() => new PartitionedConvolver([1], 100)).toThrow(/power of two/)
    expect(() => new PartitionedConvolver([], 64)).toThrow(/empty/)
  })
})

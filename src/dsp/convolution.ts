import { fftPlan } from "./fft.js"

/**
 * Uniformly partitioned FFT convolution (overlap-save with a frequency-domain delay
 * line): the impulse response is cut into P blocks of B samples, each transformed once;
 * every input block is transformed once, pushed into the delay line, and the output
 * block is the inverse FFT of Σ_p X[k−p]·H[p]. Cost per output sample is
 * O(log B + P), so long reverb IRs stay cheap, and the result equals direct
 * (time-domain) convolution up to float rounding.
 */
export class PartitionedConvolver {
  readonly blockSize: number
  readonly partitions: number
  private readonly fftSize: number
  private readonly bins: number
  /** Partition spectra, bins 0..B interleaved re/im, P of them back to back. */
  private readonly irSpectra: Float64Array
  /** Frequency-domain delay line of input spectra (ring of P slots). */
  private readonly fdl: Float64Array
  private fdlHead = 0
  private readonly frame: Float64Array
  private readonly spectrum: Float64Array
  private readonly accum: Float64Array
  private readonly timeOut: Float64Array
  /** Half-size complex spectrum for the inverse transform, and its twiddles e^{+j2πk/N}. */
  private readonly packed: Float64Array
  private readonly twiddleCos: Float64Array
  private readonly twiddleSin: Float64Array

  constructor(ir: ArrayLike<number>, blockSize: number) {
    if (!Number.isInteger(blockSize) || blockSize < 2 || (blockSize & (blockSize - 1)) !== 0) {
      throw new Error(`convolution block size must be a power of two >= 2, got ${blockSize}`)
    }
    if (ir.length === 0) throw new Error("impulse response is empty")
    const B = blockSize
    this.blockSize = B
    this.fftSize = 2 * B
    this.bins = B + 1
    this.partitions = Math.ceil(ir.length / B)
    const plan = fftPlan(this.fftSize)
    const stride = 2 * this.bins
    this.irSpectra = new Float64Array(this.partitions * stride)
    this.fdl = new Float64Array(this.partitions * stride)
    this.frame = new Float64Array(this.fftSize)
    this.spectrum = new Float64Array(2 * this.fftSize)
    this.accum = new Float64Array(2 * this.fftSize)
    this.timeOut = new Float64Array(this.fftSize)
    this.packed = new Float64Array(this.fftSize)
    this.twiddleCos = new Float64Array(B)
    this.twiddleSin = new Float64Array(B)
    for (let k = 0; k < B; k++) {
      this.twiddleCos[k] = Math.cos((2 * Math.PI * k) / this.fftSize)
      this.twiddleSin[k] = Math.sin((2 * Math.PI * k) / this.fftSize)
    }
    for (let p = 0; p < this.partitions; p++) {
      this.frame.fill(0)
      const from = p * B
      const to = Math.min(ir.length, from + B)
      for (let i = from; i < to; i++) this.frame[i - from] = ir[i]!
      plan.realTransform(this.spectrum, this.frame as unknown as number[])
      this.irSpectra.set(this.spectrum.subarray(0, stride), p * stride)
    }
    this.frame.fill(0)
  }

  /**
   * Convolve the next B input samples (`input[offset .. offset+B)`, zeros past its end)
   * and write B output samples to `output[offset ..]` (clipped to its length).
   */
  processBlock(input: ArrayLike<number>, offset: number, output: Float32Array | Float64Array): void {
    const B = this.blockSize
    const N = this.fftSize
    const bins = this.bins
    const stride = 2 * bins
    const P = this.partitions
    const frame = this.frame
    // Overlap-save: frame = [previous block, current block].
    frame.copyWithin(0, B, N)
    const avail = Math.max(0, Math.min(B, input.length - offset))
    for (let i = 0; i < avail; i++) frame[B + i] = input[offset + i]!
    for (let i = avail; i < B; i++) frame[B + i] = 0
    const plan = fftPlan(N)
    const spec = this.spectrum
    plan.realTransform(spec, frame as unknown as number[])
    // Push the new spectrum into the delay line.
    this.fdlHead = (this.fdlHead + P - 1) % P
    const fdl = this.fdl
    fdl.set(spec.subarray(0, stride), this.fdlHead * stride)
    // Y = Σ_p X[head + p] · H[p]
    const acc = this.accum
    acc.fill(0, 0, stride)
    const H = this.irSpectra
    for (let p = 0; p < P; p++) {
      const xBase = ((this.fdlHead + p) % P) * stride
      const hBase = p * stride
      for (let j = 0; j < stride; j += 2) {
        const xr = fdl[xBase + j]!
        const xi = fdl[xBase + j + 1]!
        const hr = H[hBase + j]!
        const hi = H[hBase + j + 1]!
        acc[j] += xr * hr - xi * hi
        acc[j + 1] += xr * hi + xi * hr
      }
    }
    // Inverse real FFT through a half-size complex FFT: with M = N/2,
    // z[n] = x[2n] + j·x[2n+1] has spectrum Z[k] = Xe[k] + j·Xo[k], where
    // Xe[k] = (X[k] + X*[M−k])/2 and Xo[k] = (X[k] − X*[M−k])·e^{+j2πk/N}/2.
    const M = B
    const z = this.packed
    const tc = this.twiddleCos
    const ts = this.twiddleSin
    for (let k = 0; k < M; k++) {
      const ar = acc[2 * k]!
      const ai = acc[2 * k + 1]!
      const br = acc[2 * (M - k)]!
      const bi = -acc[2 * (M - k) + 1]!
      const er = 0.5 * (ar + br)
      const ei = 0.5 * (ai + bi)
      const dr = 0.5 * (ar - br)
      const di = 0.5 * (ai - bi)
      const or = dr * tc[k]! - di * ts[k]!
      const oi = dr * ts[k]! + di * tc[k]!
      z[2 * k] = er - oi
      z[2 * k + 1] = ei + or
    }
    const half = fftPlan(M)
    const out = this.timeOut
    half.inverseTransform(out, z as unknown as number[])
    // out holds x[2n] (even slots) and x[2n+1] (odd slots) interleaved: x itself.
    const n = Math.max(0, Math.min(B, output.length - offset))
    for (let i = 0; i < n; i++) output[offset + i] = out[B + i]!
  }

  /** Forget all past input (the IR stays). */
  reset(): void {
    this.fdl.fill(0)
    this.frame.fill(0)
    this.fdlHead = 0
  }
}

/**
 * Block size that minimises a simple cost model (FFTs per block + complex
 * multiply-adds of the delay line) for an input of `inputLength` samples and an IR of
 * `irLength`. Offline processing has no latency constraint, so this trades FFT size
 * against the number of partitions.
 */
export const chooseBlockSize = (inputLength: number, irLength: number): number => {
  let best = 64
  let bestCost = Infinity
  const maxBlock = Math.max(64, Math.min(1 << 16, 2 ** Math.ceil(Math.log2(Math.max(irLength, inputLength, 1)))))
  for (let B = 64; B <= maxBlock; B *= 2) {
    const blocks = Math.ceil(Math.max(inputLength, 1) / B)
    const P = Math.ceil(irLength / B)
    const fftCost = 2 * 2.5 * (2 * B) * Math.log2(2 * B)
    const macCost = P * (B + 1) * 4
    const cost = blocks * (fftCost + macCost + 4 * B)
    if (cost < bestCost) {
      bestCost = cost
      best = B
    }
  }
  return best
}

export interface ConvolveOptions {
  /** Output length; default input.length + ir.length − 1 (the full convolution). */
  readonly outputLength?: number
  /** Partition size (power of two); default chosen by `chooseBlockSize`. */
  readonly blockSize?: number
}

/** y = x ∗ h by uniformly partitioned FFT convolution. */
export const convolve = (input: ArrayLike<number>, ir: ArrayLike<number>, options: ConvolveOptions = {}): Float32Array => {
  const outputLength = options.outputLength ?? Math.max(0, input.length + ir.length - 1)
  const output = new Float32Array(outputLength)
  if (outputLength === 0 || input.length === 0 || ir.length === 0) return output
  const blockSize = options.blockSize ?? chooseBlockSize(Math.min(outputLength, input.length + ir.length), ir.length)
  const conv = new PartitionedConvolver(ir, blockSize)
  for (let offset = 0; offset < outputLength; offset += blockSize) conv.processBlock(input, offset, output)
  return output
}

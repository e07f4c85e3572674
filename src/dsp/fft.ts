import FFT from "fft.js"
import { WasmFftKernel } from "./fft-wasm.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Real FFTs by fft.js (radix-4), with one planned instance per size reused across calls.
 * Sizes must be powers of two. `complex` arrays are interleaved [re0, im0, re1, im1, ...].
 */
const plans = new Map<number, FFT>()

export const fftPlan = (size: number): FFT => {
  let plan = plans.get(size)
  if (plan === undefined) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new ParameterError({ parameter: "FFT size", message: `FFT size must be a power of two >= 2, got ${size}` })
    plan = new FFT(size)
    plans.set(size, plan)
  }
  return plan
}

export const nextPow2 = (n: number): number => {
  let p = 1
  while (p < n) p <<= 1
  return p
}

/** Full complex spectrum (size*2 interleaved values) of a real frame of `size` samples. */
export const realFft = (input: ArrayLike<number>, out?: Float64Array): Float64Array => {
  const plan = fftPlan(input.length)
  const spectrum = out ?? new Float64Array(input.length * 2)
  plan.realTransform(spectrum, input as number[])
  plan.completeSpectrum(spectrum)
  return spectrum
}

/** Inverse of a full complex spectrum; returns the real part (scaled by 1/size). */
export const inverseRealFft = (spectrum: Float64Array, out?: Float64Array): Float64Array => {
  const size = spectrum.length / 2
  const plan = fftPlan(size)
  const complex = new Float64Array(size * 2)
  plan.inverseTransform(complex, spectrum as unknown as number[])
  const real = out ?? new Float64Array(size)
  for (let i = 0; i < size; i++) real[i] = complex[2 * i]!
  return real
}

/**
 * Complex FFT of size m (a power of two) on interleaved [re, im] Float64Arrays: radix-4
 * decimation in time with one radix-2 stage when log2(m) is odd, the bit-reversal
 * permutation fused into the first stage, and each stage's twiddles precomputed and stored
 * contiguously (w, w², w³ per butterfly), so no trigonometry and no allocation per call.
 * Forward only (e^{-2πi kn/m}); inverses use IFFT(Z) = conj(FFT(conj Z)) / m.
 *
 * The kernel runs as WebAssembly SIMD (./fft-wasm.ts, bit-identical results, ~2.5× faster
 * at 1024 points) where available, else as the TypeScript below. Either way `run` reads
 * `input` and writes `output`, buffers owned by the instance: callers that fill `input`
 * and read `output` in place avoid two copies per transform.
 */
export class ComplexFft {
  readonly m: number
  /** run()'s input and output: m interleaved complex values each. */
  readonly input: Float64Array
  readonly output: Float64Array
  private readonly kernel: WasmFftKernel | null
  /** The window last copied into the kernel (windows are immutable by convention). */
  private kernelWindow: Float64Array | null = null
  private readonly oddStage: boolean
  private readonly rev: Int32Array
  private readonly twiddles: Float64Array
  private readonly stageLengths: Int32Array

  /** `wasm: false` forces the TypeScript kernel (tests compare the two). */
  constructor(m: number, options: { readonly wasm?: boolean } = {}) {
    if (m < 1 || (m & (m - 1)) !== 0) throw new ParameterError({ parameter: "FFT size", message: `FFT size must be a power of two >= 1, got ${m}` })
    this.m = m
    let bits = 0
    while (1 << bits < m) bits++
    this.oddStage = (bits & 1) === 1
    this.kernel = options.wasm === false ? null : WasmFftKernel.create(m)
    this.input = this.kernel?.input ?? new Float64Array(2 * m)
    this.output = this.kernel?.output ?? new Float64Array(2 * m)
    const js = this.kernel === null
    this.rev = new Int32Array(js ? m : 0)
    for (let i = 0; i < this.rev.length; i++) {
      let r = 0
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1)
      this.rev[i] = r
    }
    const lengths: number[] = []
    let total = 0
    for (let L = this.oddStage ? 8 : 16; L <= m; L *= 4) {
      lengths.push(L)
      total += 6 * (L >> 2)
    }
    this.stageLengths = Int32Array.from(lengths)
    this.twiddles = new Float64Array(js ? total : 0)
    let o = 0
    if (js) {
      for (const L of lengths) {
        for (let k = 0; k < L >> 2; k++) {
          const a = (-2 * Math.PI * k) / L
          this.twiddles[o++] = Math.cos(a)
          this.twiddles[o++] = Math.sin(a)
          this.twiddles[o++] = Math.cos(2 * a)
          this.twiddles[o++] = Math.sin(2 * a)
          this.twiddles[o++] = Math.cos(3 * a)
          this.twiddles[o++] = Math.sin(3 * a)
        }
      }
    }
  }

  /** True when the WebAssembly kernel is in use. */
  get accelerated(): boolean {
    return this.kernel !== null
  }

  /**
   * output = FFT(input), or FFT(input · window) (window: 2m values, one per real slot).
   * A window is copied into the kernel once and recognised by identity afterwards: do not
   * modify a window array after passing it here.
   */
  run(window: Float64Array | null = null): void {
    const kernel = this.kernel
    if (kernel !== null) {
      if (window !== null && window !== this.kernelWindow) {
        kernel.window.set(window.length === 2 * this.m ? window : window.subarray(0, 2 * this.m))
        this.kernelWindow = window
      }
      kernel.run(window !== null)
    } else if (window !== null) this.jsForwardWindowed(this.input, window, this.output)
    else this.jsForward(this.input, this.output)
  }

  /** out = FFT(x), both m interleaved complex values. */
  forward(x: Float64Array, out: Float64Array): void {
    this.load(x)
    this.run(null)
    if (out !== this.output) out.set(this.output)
  }

  /** out = FFT of x·w (the windowed first stage of a packed real frame, see RealFft). */
  forwardWindowed(x: Float64Array, w: Float64Array, out: Float64Array): void {
    this.load(x)
    this.run(w)
    if (out !== this.output) out.set(this.output)
  }

  private load(x: Float64Array): void {
    if (x !== this.input) this.input.set(x.length === 2 * this.m ? x : x.subarray(0, 2 * this.m))
  }

  /** The TypeScript kernel: out = FFT(x); `out` must not alias `x`. */
  private jsForward(x: Float64Array, out: Float64Array): void {
    const m = this.m
    const rev = this.rev
    if (m === 1) {
      out[0] = x[0]!
      out[1] = x[1]!
      return
    }
    if (this.oddStage) {
      for (let i = 0; i < m; i += 2) {
        const a = rev[i]! << 1
        const b = rev[i + 1]! << 1
        const ar = x[a]!, ai = x[a + 1]!, br = x[b]!, bi = x[b + 1]!
        const o = 2 * i
        out[o] = ar + br
        out[o + 1] = ai + bi
        out[o + 2] = ar - br
        out[o + 3] = ai - bi
      }
    } else {
      // bit-reversed order holds the sub-DFTs of x[4n], x[4n+2], x[4n+1], x[4n+3]
      for (let i = 0; i < m; i += 4) {
        const a = rev[i]! << 1
        const b = rev[i + 1]! << 1
        const c = rev[i + 2]! << 1
        const d = rev[i + 3]! << 1
        const ar = x[a]!, ai = x[a + 1]!, br = x[b]!, bi = x[b + 1]!
        const cr = x[c]!, ci = x[c + 1]!, dr = x[d]!, di = x[d + 1]!
        const t0r = ar + br, t0i = ai + bi, t1r = ar - br, t1i = ai - bi
        const t2r = cr + dr, t2i = ci + di, t3r = cr - dr, t3i = ci - di
        const o = 2 * i
        out[o] = t0r + t2r
        out[o + 1] = t0i + t2i
        out[o + 2] = t1r + t3i
        out[o + 3] = t1i - t3r
        out[o + 4] = t0r - t2r
        out[o + 5] = t0i - t2i
        out[o + 6] = t1r - t3i
        out[o + 7] = t1i + t3r
      }
    }
    this.laterStages(out)
  }

  /** The TypeScript kernel of x·w: z[i] = x[2i]·w[2i] + i·x[2i + 1]·w[2i + 1], windowed in the first stage. */
  private jsForwardWindowed(x: Float64Array, w: Float64Array, out: Float64Array): void {
    const m = this.m
    const rev = this.rev
    if (m < 2) {
      out[0] = x[0]! * w[0]!
      out[1] = x[1]! * w[1]!
      return
    }
    if (this.oddStage) {
      for (let i = 0; i < m; i += 2) {
        const a = rev[i]! << 1
        const b = rev[i + 1]! << 1
        const ar = x[a]! * w[a]!, ai = x[a + 1]! * w[a + 1]!
        const br = x[b]! * w[b]!, bi = x[b + 1]! * w[b + 1]!
        const o = 2 * i
        out[o] = ar + br
        out[o + 1] = ai + bi
        out[o + 2] = ar - br
        out[o + 3] = ai - bi
      }
    } else {
      for (let i = 0; i < m; i += 4) {
        const a = rev[i]! << 1
        const b = rev[i + 1]! << 1
        const c = rev[i + 2]! << 1
        const d = rev[i + 3]! << 1
        const ar = x[a]! * w[a]!, ai = x[a + 1]! * w[a + 1]!
        const br = x[b]! * w[b]!, bi = x[b + 1]! * w[b + 1]!
        const cr = x[c]! * w[c]!, ci = x[c + 1]! * w[c + 1]!
        const dr = x[d]! * w[d]!, di = x[d + 1]! * w[d + 1]!
        const t0r = ar + br, t0i = ai + bi, t1r = ar - br, t1i = ai - bi
        const t2r = cr + dr, t2i = ci + di, t3r = cr - dr, t3i = ci - di
        const o = 2 * i
        out[o] = t0r + t2r
        out[o + 1] = t0i + t2i
        out[o + 2] = t1r + t3i
        out[o + 3] = t1i - t3r
        out[o + 4] = t0r - t2r
        out[o + 5] = t0i - t2i
        out[o + 6] = t1r - t3i
        out[o + 7] = t1i + t3r
      }
    }
    this.laterStages(out)
  }

  /**
   * The radix-4 stages after the first, in place. Small transforms (in L1 cache) loop
   * twiddle-outer, which loads each twiddle once per stage; larger ones loop block-outer,
   * which walks memory in order (twiddle-outer there re-reads every cache line per twiddle:
   * 2–3× slower at 16k points).
   */
  private laterStages(out: Float64Array): void {
    const tw = this.twiddles
    const lengths = this.stageLengths
    const end = 2 * this.m
    const twiddleOuter = this.m <= 1024
    let t0 = 0
    for (let s = 0; s < lengths.length; s++) {
      const L = lengths[s]!
      const q2 = L >> 1 // a quarter block, in interleaved slots
      const step = 2 * L
      // (the butterfly is written out twice: a shared helper is not reliably inlined)
      if (twiddleOuter) {
        for (let k = 0, t = t0; k < q2; k += 2, t += 6) {
          const w1r = tw[t]!, w1i = tw[t + 1]!, w2r = tw[t + 2]!, w2i = tw[t + 3]!, w3r = tw[t + 4]!, w3i = tw[t + 5]!
          for (let ia = k; ia < end; ia += step) {
            const ib = ia + q2
            const ic = ib + q2
            const id = ic + q2
            const ar = out[ia]!, ai = out[ia + 1]!
            let xr = out[ib]!, xi = out[ib + 1]!
            const br = xr * w2r - xi * w2i, bi = xr * w2i + xi * w2r
            xr = out[ic]!
            xi = out[ic + 1]!
            const cr = xr * w1r - xi * w1i, ci = xr * w1i + xi * w1r
            xr = out[id]!
            xi = out[id + 1]!
            const dr = xr * w3r - xi * w3i, di = xr * w3i + xi * w3r
            const t0r = ar + br, t0i = ai + bi, t1r = ar - br, t1i = ai - bi
            const t2r = cr + dr, t2i = ci + di, t3r = cr - dr, t3i = ci - di
            out[ia] = t0r + t2r
            out[ia + 1] = t0i + t2i
            out[ib] = t1r + t3i
            out[ib + 1] = t1i - t3r
            out[ic] = t0r - t2r
            out[ic + 1] = t0i - t2i
            out[id] = t1r - t3i
            out[id + 1] = t1i + t3r
          }
        }
      } else {
        for (let base = 0; base < end; base += step) {
          const stop = base + q2
          for (let ia = base, t = t0; ia < stop; ia += 2, t += 6) {
            const ib = ia + q2
            const ic = ib + q2
            const id = ic + q2
            const w1r = tw[t]!, w1i = tw[t + 1]!, w2r = tw[t + 2]!, w2i = tw[t + 3]!, w3r = tw[t + 4]!, w3i = tw[t + 5]!
            const ar = out[ia]!, ai = out[ia + 1]!
            let xr = out[ib]!, xi = out[ib + 1]!
            const br = xr * w2r - xi * w2i, bi = xr * w2i + xi * w2r
            xr = out[ic]!
            xi = out[ic + 1]!
            const cr = xr * w1r - xi * w1i, ci = xr * w1i + xi * w1r
            xr = out[id]!
            xi = out[id + 1]!
            const dr = xr * w3r - xi * w3i, di = xr * w3i + xi * w3r
            const t0r = ar + br, t0i = ai + bi, t1r = ar - br, t1i = ai - bi
            const t2r = cr + dr, t2i = ci + di, t3r = cr - dr, t3i = ci - di
            out[ia] = t0r + t2r
            out[ia + 1] = t0i + t2i
            out[ib] = t1r + t3i
            out[ib + 1] = t1i - t3r
            out[ic] = t0r - t2r
            out[ic + 1] = t0i - t2i
            out[id] = t1r - t3i
            out[id + 1] = t1i + t3r
          }
        }
      }
      t0 += 3 * q2
    }
  }
}

/**
 * Real FFT of size n (a power of two >= 4) through a complex FFT of size m = n/2: the real
 * frame read as m interleaved complex values z[i] = x[2i] + i x[2i+1] is transformed as is,
 * then split into the even/odd halves' spectra (the standard post-processing), bins k and
 * m-k together: with E = (Z[k] + conj Z[m-k])/2, O = (Z[k] - conj Z[m-k])/2i and P = W^k O,
 * X[k] = E + P and X[m-k] = conj(E - P). Bins 0..n/2 go to `re` / `im`; `inverse` takes such
 * a Hermitian half-spectrum back to n real samples. Preallocated scratch: one instance per
 * thread (see realFftPlan).
 */
export class RealFft {
  readonly n: number
  private readonly m: number
  private readonly complex: ComplexFft
  /** e^{-2 pi i k / n}, k = 0..m/2: the post-processing twiddles (read by yin.ts, which fuses its own). */
  readonly wr: Float64Array
  readonly wi: Float64Array
  private readonly z: Float64Array
  private readonly buffer: Float64Array

  constructor(n: number) {
    if (n < 4 || (n & (n - 1)) !== 0) throw new ParameterError({ parameter: "FFT size", message: `FFT size must be a power of two >= 4, got ${n}` })
    this.n = n
    const m = n >> 1
    this.m = m
    this.complex = new ComplexFft(m)
    const h = m >> 1
    this.wr = new Float64Array(h + 1)
    this.wi = new Float64Array(h + 1)
    for (let k = 0; k <= h; k++) {
      this.wr[k] = Math.cos((-2 * Math.PI * k) / n)
      this.wi[k] = Math.sin((-2 * Math.PI * k) / n)
    }
    // the complex transform's own buffers: frames are loaded into `buffer` and the packed
    // spectrum read from `z` in place
    this.z = this.complex.output
    this.buffer = this.complex.input
  }

  /** The packed half-size complex spectrum Z of x (for callers that post-process it themselves). */
  private packed(x: Float64Array): Float64Array {
    if (x !== this.buffer) this.buffer.set(x.length === this.n ? x : x.subarray(0, this.n))
    this.complex.run(null)
    return this.z
  }

  /** Bins 0..n/2 of the real signal x[0..n) into re/im (length >= n/2 + 1). */
  forward(x: Float64Array, re: Float64Array, im: Float64Array): void {
    const m = this.m
    const z = this.packed(x)
    const wr = this.wr
    const wi = this.wi
    re[0] = z[0]! + z[1]!
    im[0] = 0
    re[m] = z[0]! - z[1]!
    im[m] = 0
    const h = m >> 1
    for (let k = 1; k <= h; k++) {
      const j = m - k
      const ar = z[2 * k]!, ai = z[2 * k + 1]!
      const br = z[2 * j]!, bi = -z[2 * j + 1]!
      const er = 0.5 * (ar + br)
      const ei = 0.5 * (ai + bi)
      const or = 0.5 * (ai - bi)
      const oi = -0.5 * (ar - br)
      const pr = wr[k]! * or - wi[k]! * oi
      const pi = wr[k]! * oi + wi[k]! * or
      re[k] = er + pr
      im[k] = ei + pi
      re[j] = er - pr
      im[j] = pi - ei
    }
  }

  /**
   * |X[k]|² for bins 0..n/2 of the real signal x into `power` (length >= n/2 + 1): the
   * forward transform without storing the complex bins (spectrogram and mel hot path).
   */
  powerSpectrum(x: Float64Array, power: Float64Array): void {
    this.powerFromPacked(this.packed(x), power)
  }

  /**
   * buffer = y[start .. start + n) as doubles. TypedArray.set converts natively, several
   * times faster than an element loop over a Float32Array at a moving offset in V8.
   */
  private loadFrame(y: Float32Array, start: number): void {
    this.buffer.set(y.subarray(start, start + this.n))
  }

  /** powerSpectrum of the frame y[start .. start + n) · window, read in place (inside y). */
  powerSpectrumWindowed(y: Float32Array, start: number, window: Float64Array, power: Float64Array): void {
    this.loadFrame(y, start)
    this.complex.run(window)
    this.powerFromPacked(this.z, power)
  }

  /**
   * |X[k]|² and |X[m−k]|² from the packed Z without forming X: with A = Z[k],
   * B = conj Z[m−k], S = |A|² + |B|², C = (A + B)·conj(A − B) = |A|² − |B|² + 2i·Im(B·conj A)
   * and T = Re(i·conj(W^k)·C), |X[k]|² = (S + T)/2 and |X[m−k]|² = (S − T)/2.
   */
  private powerFromPacked(z: Float64Array, power: Float64Array): void {
    const m = this.m
    const wr = this.wr
    const wi = this.wi
    const dc = z[0]! + z[1]!
    const ny = z[0]! - z[1]!
    power[0] = dc * dc
    power[m] = ny * ny
    const h = m >> 1
    for (let k = 1; k <= h; k++) {
      const j = m - k
      const ar = z[2 * k]!, ai = z[2 * k + 1]!
      const br = z[2 * j]!, bi = -z[2 * j + 1]!
      const a2 = ar * ar + ai * ai
      const b2 = br * br + bi * bi
      const sum = a2 + b2
      const cr = a2 - b2
      const ci = 2 * (bi * ar - br * ai)
      const t = wi[k]! * cr - wr[k]! * ci
      power[k] = 0.5 * (sum + t)
      power[j] = 0.5 * (sum - t)
    }
  }

  /**
   * forward() of the frame y[start .. start + n), zeros outside y: the frame is loaded
   * straight into the transform's buffer (no intermediate copy).
   */
  forwardSignal(y: ArrayLike<number>, start: number, re: Float64Array, im: Float64Array): void {
    const n = this.n
    const b = this.buffer
    const len = y.length
    if (start >= 0 && start + n <= len && (y instanceof Float32Array || y instanceof Float64Array)) b.set(y.subarray(start, start + n))
    else
      for (let i = 0; i < n; i++) {
        const j = start + i
        b[i] = j >= 0 && j < len ? y[j]! : 0
      }
    this.forward(b, re, im)
  }

  /**
   * inverse() written straight into `out`: samples from .. from + count − 1 of the real
   * signal go to out[at ..] (no n-sample intermediate). Float32Array only, and the odd
   * samples' sign flip done pairwise without a per-sample branch: one loop type for V8.
   */
  inverseInto(re: Float64Array, im: Float64Array, out: Float32Array, from: number, count: number, at: number): void {
    this.preInverse(re, im)
    this.complex.run(null)
    const z = this.z
    // x = conj(output) read as reals: odd slots negated
    let i = 0
    if ((from & 1) === 1 && count > 0) {
      out[at] = -z[from]!
      i = 1
    }
    // from + i is even from here on
    for (; i + 1 < count; i += 2) {
      const k = from + i
      out[at + i] = z[k]!
      out[at + i + 1] = -z[k + 1]!
    }
    if (i < count) out[at + i] = z[from + i]!
  }

  /** Real signal x[0..n) whose bins 0..n/2 are re/im (a Hermitian spectrum), scaled 1/n. */
  inverse(re: Float64Array, im: Float64Array, x: Float64Array): void {
    this.preInverse(re, im)
    this.conjugateInverse(x)
  }

  /** The inverse's pre-processing of the Hermitian half-spectrum re/im into `buffer`. */
  private preInverse(re: Float64Array, im: Float64Array): void {
    const m = this.m
    const b = this.buffer
    const wr = this.wr
    const wi = this.wi
    // conj(Z) with Z[k] = E + i O, E = (X[k] + conj X[m-k])/2, O = conj(W^k)(X[k] - conj X[m-k])/2,
    // and Z[m-k] = conj(E) + i conj(O); the 1/m of the inverse is folded in.
    const s = 0.5 / m
    {
      const ar = re[0]!, br = re[m]!
      b[0] = s * (ar + br)
      b[1] = -s * (ar - br)
    }
    const h = m >> 1
    for (let k = 1; k <= h; k++) {
      const j = m - k
      const ar = re[k]!, ai = im[k]!
      const br = re[j]!, bi = -im[j]!
      const er = s * (ar + br)
      const ei = s * (ai + bi)
      const dr = s * (ar - br)
      const di = s * (ai - bi)
      const or = dr * wr[k]! + di * wi[k]!
      const oi = di * wr[k]! - dr * wi[k]!
      b[2 * k] = er - oi
      b[2 * k + 1] = -(ei + or)
      if (j !== k) {
        b[2 * j] = er + oi
        b[2 * j + 1] = ei - or
      }
    }
  }

  /**
   * Finish an inverse whose conjugated, pre-processed half-size spectrum is in `buffer`
   * (see inverse): x = conj(FFT(buffer)) read as n real samples.
   */
  private conjugateInverse(x: Float64Array): void {
    this.complex.run(null)
    const z = this.z
    const n = this.n
    for (let i = 0; i < n; i += 2) {
      x[i] = z[i]!
      x[i + 1] = -z[i + 1]!
    }
  }
}

const realPlans = new Map<number, RealFft>()

/** A shared RealFft per size (its scratch buffers make it single-threaded: one per worker). */
export const realFftPlan = (n: number): RealFft => {
  let plan = realPlans.get(n)
  if (plan === undefined) {
    plan = new RealFft(n)
    realPlans.set(n, plan)
  }
  return plan
}

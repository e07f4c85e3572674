import FFT from "fft.js"

/**
 * Real FFTs by fft.js (radix-4), with one planned instance per size reused across calls.
 * Sizes must be powers of two. `complex` arrays are interleaved [re0, im0, re1, im1, ...].
 */
const plans = new Map<number, FFT>()

export const fftPlan = (size: number): FFT => {
  let plan = plans.get(size)
  if (plan === undefined) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two >= 2, got ${size}`)
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

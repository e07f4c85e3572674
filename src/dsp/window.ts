import { DataError, ParameterError } from "../errors/audioml-error.js"
/**
 * Analysis windows, as scipy.signal.get_window / librosa.filters.get_window build them.
 * `periodic = true` (the default, scipy's `fftbins=True`) is what STFTs use: the window of
 * length N is the first N points of the symmetric window of length N + 1.
 */
export type WindowName = "hann" | "hamming" | "blackman" | "rectangular"

export const WINDOW_NAMES: ReadonlyArray<WindowName> = ["hann", "hamming", "blackman", "rectangular"]

/** Generalised cosine window sum_k (-1)^k a_k cos(2 pi k n / M). */
const cosineWindow = (coefficients: ReadonlyArray<number>, length: number, periodic: boolean): Float64Array => {
  const out = new Float64Array(length)
  if (length === 1) {
    out[0] = 1
    return out
  }
  const m = periodic ? length : length - 1
  for (let n = 0; n < length; n++) {
    let v = 0
    for (let k = 0; k < coefficients.length; k++) v += (k % 2 === 0 ? 1 : -1) * coefficients[k]! * Math.cos((2 * Math.PI * k * n) / m)
    out[n] = v
  }
  return out
}

export const makeWindow = (name: WindowName, length: number, periodic = true): Float64Array => {
  if (!Number.isInteger(length) || length < 1) throw new ParameterError({ parameter: "window length", message: `window length must be a positive integer, got ${length}` })
  switch (name) {
    case "hann":
      return cosineWindow([0.5, 0.5], length, periodic)
    case "hamming":
      return cosineWindow([0.54, 0.46], length, periodic)
    case "blackman":
      return cosineWindow([0.42, 0.5, 0.08], length, periodic)
    case "rectangular":
      return new Float64Array(length).fill(1)
    default:
      throw new ParameterError({ parameter: "window", message: `unknown window "${String(name)}" (expected one of ${WINDOW_NAMES.join(", ")})` })
  }
}

/** Centre `window` in a zero array of `size` (librosa.util.pad_center): for win_length < n_fft. */
export const padCenter = (window: Float64Array, size: number): Float64Array => {
  if (window.length > size) throw new DataError({ message: `window of ${window.length} samples does not fit in ${size}` })
  if (window.length === size) return window
  const out = new Float64Array(size)
  out.set(window, Math.floor((size - window.length) / 2))
  return out
}

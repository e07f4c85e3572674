import { realFftPlan } from "./fft.js"
import { makeWindow, padCenter, type WindowName } from "./window.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"

/**
 * Short-time Fourier transform with librosa's conventions (librosa >= 0.10 defaults):
 * frame t covers samples [t*hop - n_fft/2, t*hop + n_fft/2) of the signal when `center`
 * is true, with zeros outside the signal (pad_mode "constant"), so frame t is centred on
 * sample t*hop; the window of `win_length` samples is centred in the n_fft frame.
 * Bins are 0..n_fft/2 (n_fft/2 + 1 of them), frequency k * sr / n_fft.
 * `padMode: "reflect"` gives torch.stft's (and auraloss's) centred frames instead: the
 * signal mirrored at its ends, without repeating the edge sample.
 */
export interface StftOptions {
  readonly nFft: number
  readonly hop: number
  /** Defaults to nFft. */
  readonly winLength?: number
  readonly window?: WindowName
  readonly center?: boolean
  /** Samples outside the signal: zeros ("constant", librosa's default) or mirrored ("reflect", torch's). Default "constant". */
  readonly padMode?: "constant" | "reflect"
}

export const stftBinCount = (nFft: number): number => (nFft >> 1) + 1

/** Number of frames librosa.stft returns for `length` samples. */
export const stftFrameCount = (length: number, opts: StftOptions): number => {
  const padded = opts.center === false ? length : length + 2 * (opts.nFft >> 1)
  if (padded < opts.nFft) return 0
  return 1 + Math.floor((padded - opts.nFft) / opts.hop)
}

const checkOptions = (opts: StftOptions, length: number): void => {
  const { nFft, hop } = opts
  if (!Number.isInteger(nFft) || nFft < 2 || (nFft & (nFft - 1)) !== 0) throw new ParameterError({ parameter: "n_fft", message: `n_fft must be a power of two >= 2, got ${nFft}` })
  if (!Number.isInteger(hop) || hop < 1) throw new ParameterError({ parameter: "hop", message: `hop must be a positive integer, got ${hop}` })
  const win = opts.winLength ?? nFft
  if (!Number.isInteger(win) || win < 1 || win > nFft) throw new ParameterError({ parameter: "win_length", message: `win_length must be an integer in [1, n_fft=${nFft}], got ${win}` })
  if (opts.padMode === "reflect" && opts.center !== false && length <= nFft >> 1) {
    throw new DataError({ message: `a signal of ${length} samples is too short for reflect padding of n_fft=${nFft} (needs more than ${nFft >> 1})` })
  }
}

/** The n_fft-long analysis window (win_length window centred, zeros around it). */
export const stftWindow = (opts: StftOptions): Float64Array =>
  padCenter(makeWindow(opts.window ?? "hann", opts.winLength ?? opts.nFft, true), opts.nFft)

/** Fill `buffer` with the windowed frame t (zeros, or the mirrored signal when `reflect`, outside the signal). */
const windowedFrame = (y: Float32Array, start: number, window: Float64Array, buffer: Float64Array, reflect = false): void => {
  const nFft = buffer.length
  const n = y.length
  if (start >= 0 && start + nFft <= n) {
    // native Float32 -> Float64 copy, then the window (faster than one loop in V8)
    buffer.set(y.subarray(start, start + nFft))
    for (let i = 0; i < nFft; i++) buffer[i]! *= window[i]!
  } else if (reflect) {
    for (let i = 0; i < nFft; i++) {
      const j = start + i
      buffer[i] = y[j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j]! * window[i]!
    }
  } else {
    for (let i = 0; i < nFft; i++) {
      const j = start + i
      buffer[i] = j >= 0 && j < n ? y[j]! * window[i]! : 0
    }
  }
}

/** What every STFT loop needs: checked options, the window, the frame count, an FFT plan, a frame buffer, the centring offset. */
const framing = (y: Float32Array, opts: StftOptions) => {
  checkOptions(opts, y.length)
  const { nFft, hop } = opts
  return {
    nFft,
    hop,
    window: stftWindow(opts),
    frames: stftFrameCount(y.length, opts),
    plan: realFftPlan(nFft),
    buffer: new Float64Array(nFft),
    offset: opts.center === false ? 0 : nFft >> 1,
    reflect: opts.padMode === "reflect"
  }
}

/**
 * Visit every frame's one-sided spectrum: `re` / `im` hold bins 0..n_fft/2 (reused
 * buffers: copy what you keep). No per-frame allocation.
 */
export const forEachStftFrame = (
  y: Float32Array,
  opts: StftOptions,
  onFrame: (frame: number, re: Float64Array, im: Float64Array) => void
): number => {
  const { hop, window, frames, plan, buffer, offset, reflect } = framing(y, opts)
  const re = new Float64Array(stftBinCount(opts.nFft))
  const im = new Float64Array(stftBinCount(opts.nFft))
  for (let t = 0; t < frames; t++) {
    windowedFrame(y, t * hop - offset, window, buffer, reflect)
    plan.forward(buffer, re, im)
    onFrame(t, re, im)
  }
  return frames
}

/**
 * Visit every frame's power spectrum |X[k]|², bins 0..n_fft/2 (a reused buffer). Cheaper
 * than forEachStftFrame when only magnitudes are needed: the complex bins are never stored.
 */
export const forEachPowerFrame = (y: Float32Array, opts: StftOptions, onFrame: (frame: number, power: Float64Array) => void): number => {
  const { nFft, hop, window, frames, plan, buffer, offset, reflect } = framing(y, opts)
  const power = new Float64Array(stftBinCount(nFft))
  const n = y.length
  for (let t = 0; t < frames; t++) {
    const start = t * hop - offset
    if (start >= 0 && start + nFft <= n) plan.powerSpectrumWindowed(y, start, window, power)
    else {
      windowedFrame(y, start, window, buffer, reflect)
      plan.powerSpectrum(buffer, power)
    }
    onFrame(t, power)
  }
  return frames
}

export interface Spectrogram {
  /** bins × frames, row-major (librosa's layout): data[bin * frames + t]. */
  readonly data: Float32Array
  readonly bins: number
  readonly frames: number
}

/** |STFT|^power (power 1: magnitude, 2: power), bins × frames. */
export const spectrogram = (y: Float32Array, opts: StftOptions, power = 2): Spectrogram => {
  const bins = stftBinCount(opts.nFft)
  const frames = stftFrameCount(y.length, opts)
  const data = new Float32Array(bins * frames)
  forEachPowerFrame(y, opts, (t, p) => {
    if (power === 2) for (let k = 0; k < bins; k++) data[k * frames + t] = p[k]!
    else if (power === 1) for (let k = 0; k < bins; k++) data[k * frames + t] = Math.sqrt(p[k]!)
    else for (let k = 0; k < bins; k++) data[k * frames + t] = Math.pow(p[k]!, power / 2)
  })
  return { data, bins, frames }
}

/** Bin centre frequencies in Hz (librosa.fft_frequencies). */
export const fftFrequencies = (sampleRate: number, nFft: number): Float64Array => {
  const bins = stftBinCount(nFft)
  const out = new Float64Array(bins)
  for (let k = 0; k < bins; k++) out[k] = (k * sampleRate) / nFft
  return out
}

/** Frame centre times in seconds (librosa.frames_to_time with center=True). */
export const frameTimes = (frames: number, hop: number, sampleRate: number): Float64Array => {
  const out = new Float64Array(frames)
  for (let t = 0; t < frames; t++) out[t] = (t * hop) / sampleRate
  return out
}

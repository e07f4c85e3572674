import { readFile } from "node:fs/promises"
import { resampleSignal, type ResampleOptions } from "../dsp/resample.js"
import { toMono, type Signal } from "../dsp/signal.js"
import { decodeWav } from "./wav.js"
import { AudioFormatError } from "../errors/audioml-error.js"

/** "mono": mean of the channels (librosa's to_mono); "keep": as in the file. */
export type ChannelMode = "mono" | "keep"

export interface ReadAudioOptions {
  readonly channels?: ChannelMode
  /** Resample to this rate (Hz) with the band-limited resampler; omit to keep the file's rate. */
  readonly sampleRate?: number | undefined
  readonly resample?: ResampleOptions
}

/** Decode WAV bytes read from `file` (named in errors), then down-mix and resample as asked. */
export const decodeAudioFile = (bytes: Uint8Array, file: string, options: ReadAudioOptions = {}): Signal => {
  let signal: Signal
  try {
    signal = decodeWav(bytes, { requireFinite: true })
  } catch (e) {
    throw AudioFormatError.of(file, e instanceof AudioFormatError ? e.reason : (e as Error).message, e)
  }
  if ((options.channels ?? "keep") === "mono" && signal.channels.length > 1)
    signal = { sampleRate: signal.sampleRate, channels: [toMono(signal)] }
  if (options.sampleRate !== undefined && options.sampleRate !== signal.sampleRate) {
    try {
      signal = resampleSignal(signal, options.sampleRate, options.resample)
    } catch (e) {
      throw AudioFormatError.of(file, `cannot resample ${signal.sampleRate} Hz → ${options.sampleRate} Hz (${(e as Error).message})`)
    }
  }
  return signal
}

/** Read a WAV file: 8/16/24/32-bit PCM or 32/64-bit float, any channel count. */
export const readAudioFile = async (file: string, options: ReadAudioOptions = {}): Promise<Signal> => {
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw AudioFormatError.of(file, code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : (e as Error).message)
  }
  return decodeAudioFile(bytes, file, options)
}

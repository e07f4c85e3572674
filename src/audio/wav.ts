import wavefile from "wavefile"
import type { Signal } from "./signal.js"

const { WaveFile } = wavefile

/** Encode as 32-bit float WAV (the store's audio format: lossless for our Float32 signals). */
export const encodeWav = (signal: Signal): Uint8Array => {
  const wav = new WaveFile()
  const channels = signal.channels.map((c) => Float64Array.from(c))
  wav.fromScratch(channels.length, signal.sampleRate, "32f", channels.length === 1 ? channels[0]! : channels)
  return wav.toBuffer()
}

export class WavDecodeError extends Error {}

/**
 * Decode a WAV (8/16/24/32-bit PCM, 32/64-bit float) into float samples in [-1, 1].
 * Throws WavDecodeError with a reason; callers add the file name.
 */
export const decodeWav = (bytes: Uint8Array): Signal => {
  const wav = new WaveFile()
  try {
    wav.fromBuffer(bytes)
  } catch (e) {
    throw new WavDecodeError(`not a readable WAV file (${(e as Error).message})`)
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; audioFormat: number }
  const bitDepth = (wav as unknown as { bitDepth: string }).bitDepth
  const isFloat = bitDepth === "32f" || bitDepth === "64"
  const numChannels = fmt.numChannels
  if (!numChannels) throw new WavDecodeError("WAV header has 0 channels")
  const raw = wav.getSamples(false, Float64Array) as unknown
  const planes: Float64Array[] = numChannels === 1 ? [raw as Float64Array] : (raw as Float64Array[])
  let scale = 1
  let offset = 0
  if (!isFloat) {
    const bits = parseInt(bitDepth, 10)
    if (!Number.isFinite(bits)) throw new WavDecodeError(`unsupported bit depth ${bitDepth}`)
    if (bits === 8) {
      offset = -128
      scale = 1 / 128
    } else scale = 1 / 2 ** (bits - 1)
  }
  const channels = planes.map((p) => {
    const out = new Float32Array(p.length)
    for (let i = 0; i < p.length; i++) out[i] = (p[i]! + offset) * scale
    return out
  })
  return { sampleRate: fmt.sampleRate, channels }
}

import wavefile from "wavefile"
import type { Signal } from "../dsp/signal.js"
import { AudioFormatError } from "../errors/audioml-error.js"
import { sampleRateProblem } from "./sample-rate-range.js"

const { WaveFile } = wavefile

const PCM = 1
const IEEE_FLOAT = 3
const EXTENSIBLE = 0xfffe

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Encode as 32-bit float WAV: WAVE_FORMAT_IEEE_FLOAT with an 18-byte fmt chunk whose cbSize
 * is 0 (WAVEFORMATEX: every non-PCM format carries cbSize) and a fact chunk, the layout sox
 * writes for float. The store's audio format, lossless for our Float32 signals, read by sox
 * without its "missing extended part of fmt chunk" warning (which sox 14.4 also prints for
 * WAVE_FORMAT_EXTENSIBLE float, as ffmpeg writes it), numpy/scipy, librosa and DAWs.
 * Hand-written rather than wavefile's fromScratch, which converts every sample through
 * generic code and took ~0.4 s per 2 s clip; this is a header plus one interleaving pass.
 */
export const encodeWav = (signal: Signal): Uint8Array => {
  const numChannels = signal.channels.length
  const frames = signal.channels[0]?.length ?? 0
  const dataBytes = frames * numChannels * 4
  const headerBytes = 12 + 26 + 12 + 8 // RIFF, fmt (18-byte body), fact, data header
  const out = new Uint8Array(headerBytes + dataBytes)
  const view = new DataView(out.buffer)
  const text = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i)
  }
  text(0, "RIFF")
  view.setUint32(4, out.length - 8, true)
  text(8, "WAVE")
  text(12, "fmt ")
  view.setUint32(16, 18, true)
  view.setUint16(20, IEEE_FLOAT, true)
  view.setUint16(22, numChannels, true)
  view.setUint32(24, signal.sampleRate, true)
  view.setUint32(28, signal.sampleRate * numChannels * 4, true)
  view.setUint16(32, numChannels * 4, true) // block align
  view.setUint16(34, 32, true) // bits per sample
  view.setUint16(36, 0, true) // cbSize: no extension
  text(38, "fact")
  view.setUint32(42, 4, true)
  view.setUint32(46, frames, true)
  text(50, "data")
  view.setUint32(54, dataBytes, true)
  if (littleEndianHost) {
    // the samples start at byte 58, not 4-byte aligned: interleave into an aligned buffer, copy its bytes
    const samples = numChannels === 1 ? signal.channels[0]! : new Float32Array(frames * numChannels)
    if (numChannels > 1)
      for (let c = 0; c < numChannels; c++) {
        const ch = signal.channels[c]!
        for (let i = 0, p = c; i < frames; i++, p += numChannels) samples[p] = ch[i]!
      }
    out.set(new Uint8Array(samples.buffer, samples.byteOffset, dataBytes), headerBytes)
  } else {
    for (let c = 0; c < numChannels; c++) {
      const ch = signal.channels[c]!
      for (let i = 0, p = headerBytes + 4 * c; i < frames; i++, p += 4 * numChannels) view.setFloat32(p, ch[i]!, true)
    }
  }
  return out
}


export interface DecodeWavOptions {
  /** The file the bytes came from, named in errors (default "WAV data"). */
  readonly file?: string
  /**
   * Reject NaN/±Inf samples (a float WAV can hold them). Off by default so that stored
   * artifacts with broken samples can still be opened and reported by dataset.validate;
   * reading a user's file (readAudioFile) turns it on.
   */
  readonly requireFinite?: boolean
}


/**
 * The sample encoding as our own code: "8"/"16"/"24"/"32" integer PCM, "32f"/"64" float;
 * undefined for anything else (ADPCM, A-law, ...). WAVE_FORMAT_EXTENSIBLE carries the real
 * format tag in the first two bytes of its sub-format GUID.
 */
const encodingOf = (fmt: { audioFormat: number; bitsPerSample: number; subformat?: ReadonlyArray<number> }): string | undefined => {
  const tag = fmt.audioFormat === EXTENSIBLE ? (fmt.subformat?.[0] ?? 0) & 0xffff : fmt.audioFormat
  if (tag === PCM && [8, 16, 24, 32].includes(fmt.bitsPerSample)) return String(fmt.bitsPerSample)
  if (tag === IEEE_FLOAT && fmt.bitsPerSample === 32) return "32f"
  if (tag === IEEE_FLOAT && fmt.bitsPerSample === 64) return "64"
  return undefined
}

const ascii = (bytes: Uint8Array, at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!)

/**
 * Decode a WAV (8/16/24/32-bit PCM, 32/64-bit float; any channel count) into float
 * samples: integer PCM is scaled by 1/2^(bits-1) (8-bit is unsigned, offset 128), so
 * full scale is [-1, 1). Throws an AudioFormatError naming `options.file` (its `reason` says what is wrong without the name).
 */
export const decodeWav = (bytes: Uint8Array, options: DecodeWavOptions = {}): Signal => {
  // Our own header checks first: wavefile's messages for these cases are vague, and a
  // truncated data chunk would otherwise be read silently short.
  if (bytes.length < 12) throw AudioFormatError.of(options.file ?? "WAV data", `file too short for a WAV header (${bytes.length} bytes)`)
  const container = ascii(bytes, 0)
  if ((container !== "RIFF" && container !== "RIFX" && container !== "RF64") || ascii(bytes, 8) !== "WAVE")
    throw AudioFormatError.of(options.file ?? "WAV data", `not a RIFF/WAVE file (starts with "${container.replace(/[^\x20-\x7e]/g, "?")}")`)
  const wav = new WaveFile()
  try {
    wav.fromBuffer(bytes)
  } catch (e) {
    throw AudioFormatError.of(options.file ?? "WAV data", `unreadable or truncated WAV (${(e as Error).message})`)
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; audioFormat: number; bitsPerSample: number; subformat?: number[] }
  const data = wav.data as { chunkSize: number; samples: Uint8Array }
  const bitDepth = encodingOf(fmt)
  if (!fmt.numChannels) throw AudioFormatError.of(options.file ?? "WAV data", "WAV header has 0 channels (missing or broken fmt chunk)")
  if (!(fmt.sampleRate > 0)) throw AudioFormatError.of(options.file ?? "WAV data", `WAV header has an invalid sample rate (${fmt.sampleRate})`)
  // refused before anything is unpacked or resampled (a 1 Hz header would resample for minutes)
  const rateProblem = sampleRateProblem(fmt.sampleRate)
  if (rateProblem !== undefined) throw AudioFormatError.of(options.file ?? "WAV data", `WAV header: ${rateProblem}`)
  if (bitDepth === undefined)
    throw AudioFormatError.of(options.file ?? "WAV data", 
      `unsupported WAV encoding (format tag 0x${fmt.audioFormat.toString(16)}, ${fmt.bitsPerSample} bits): ` +
        `supported are 8/16/24/32-bit PCM and 32/64-bit float`
    )
  if (data.samples.length < data.chunkSize)
    throw AudioFormatError.of(options.file ?? "WAV data", `truncated WAV: the data chunk declares ${data.chunkSize} bytes but only ${data.samples.length} are present`)
  const bytesPerFrame = (fmt.numChannels * parseInt(bitDepth, 10)) / 8
  const frames = Math.floor(data.samples.length / bytesPerFrame)
  if (frames === 0) throw AudioFormatError.of(options.file ?? "WAV data", "WAV has no samples (empty or missing data chunk)")

  const channels = unpack(data.samples, frames, fmt.numChannels, bitDepth, container === "RIFX")
  if (options.requireFinite) {
    for (let c = 0; c < channels.length; c++) {
      const ch = channels[c]!
      for (let i = 0; i < ch.length; i++) {
        if (!Number.isFinite(ch[i]!))
          throw AudioFormatError.of(options.file ?? "WAV data", `sample ${i} of channel ${c} is ${ch[i]} (NaN/Inf samples are not audio)`)
      }
    }
  }
  return { sampleRate: fmt.sampleRate, channels }
}

/** De-interleave raw frames straight from the bytes: one DataView pass, no per-sample allocation. */
const unpack = (raw: Uint8Array, frames: number, numChannels: number, bitDepth: string, bigEndian: boolean): Float32Array[] => {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const le = !bigEndian
  const channels: Float32Array[] = []
  for (let c = 0; c < numChannels; c++) channels.push(new Float32Array(frames))
  for (let c = 0; c < numChannels; c++) {
    const out = channels[c]!
    switch (bitDepth) {
      case "8": {
        for (let i = 0, p = c; i < frames; i++, p += numChannels) out[i] = (raw[p]! - 128) / 128
        break
      }
      case "16": {
        const scale = 1 / 32768
        for (let i = 0, p = 2 * c, s = 2 * numChannels; i < frames; i++, p += s) out[i] = view.getInt16(p, le) * scale
        break
      }
      case "24": {
        const scale = 1 / 8388608
        for (let i = 0, p = 3 * c, s = 3 * numChannels; i < frames; i++, p += s) {
          const v = le ? raw[p]! | (raw[p + 1]! << 8) | (raw[p + 2]! << 16) : raw[p + 2]! | (raw[p + 1]! << 8) | (raw[p]! << 16)
          out[i] = ((v << 8) >> 8) * scale // sign-extend 24 → 32 bits
        }
        break
      }
      case "32": {
        const scale = 1 / 2147483648
        for (let i = 0, p = 4 * c, s = 4 * numChannels; i < frames; i++, p += s) out[i] = view.getInt32(p, le) * scale
        break
      }
      case "32f": {
        for (let i = 0, p = 4 * c, s = 4 * numChannels; i < frames; i++, p += s) out[i] = view.getFloat32(p, le)
        break
      }
      case "64": {
        for (let i = 0, p = 8 * c, s = 8 * numChannels; i < frames; i++, p += s) out[i] = view.getFloat64(p, le)
        break
      }
    }
  }
  return channels
}

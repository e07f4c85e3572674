/**
 * `npm run bench -- datasets`: audio I/O and the dataset helpers on 60 s of audio —
 * WAV decoding per encoding, band-limited resampling, FFT cross-correlation alignment,
 * and dataset.validate's statistics pass. Speeds are "× real time": seconds of audio
 * handled per second of wall time (one channel unless stated).
 */
import { decodeWav, encodeWav } from "../audio/wav.js"
import { resample } from "../dsp/resample.js"
import { Rng } from "../params/rng.js"
import { estimateLag } from "../dsp/xcorr.js"
import { signalStats } from "../stages/dataset-validate.js"

const seconds = 60

const time = (label: string, audioSeconds: number, f: () => void): void => {
  f() // warm-up
  const t0 = performance.now()
  let runs = 0
  while (performance.now() - t0 < 1000 || runs < 2) {
    f()
    runs++
  }
  const wall = (performance.now() - t0) / 1000 / runs
  console.log(`${label.padEnd(52)} ${(audioSeconds / wall).toFixed(0).padStart(7)} × real time  (${(wall * 1000).toFixed(1)} ms per run)`)
}

const noise = (n: number, seed: number): Float32Array => {
  const rng = new Rng(seed)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = rng.uniform(-0.5, 0.5)
  return x
}

/** A PCM WAV of interleaved stereo noise at the given bit depth, written by hand (wavefile would take longer than the decode). */
const pcmWav = (frames: number, bits: 16 | 24, rate: number): Uint8Array => {
  const bytes = bits / 8
  const data = frames * 2 * bytes
  const out = new Uint8Array(44 + data)
  const v = new DataView(out.buffer)
  const text = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)))
  text(0, "RIFF"); v.setUint32(4, 36 + data, true); text(8, "WAVE"); text(12, "fmt ")
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 2, true); v.setUint32(24, rate, true)
  v.setUint32(28, rate * 2 * bytes, true); v.setUint16(32, 2 * bytes, true); v.setUint16(34, bits, true)
  text(36, "data"); v.setUint32(40, data, true)
  const rng = new Rng(3)
  for (let i = 44; i < out.length; i++) out[i] = rng.int(0, 255)
  return out
}

export const run = async (): Promise<void> => {
  const x441 = noise(44100 * seconds, 1)
  const x48 = noise(48000 * seconds, 2)
  const f32 = encodeWav({ sampleRate: 44100, channels: [x441, x441] })
  time(`decodeWav 32-bit float stereo, ${seconds} s @ 44.1k`, seconds, () => void decodeWav(f32))
  const p16 = pcmWav(44100 * seconds, 16, 44100)
  time(`decodeWav 16-bit PCM stereo, ${seconds} s @ 44.1k`, seconds, () => void decodeWav(p16))
  const p24 = pcmWav(44100 * seconds, 24, 44100)
  time(`decodeWav 24-bit PCM stereo, ${seconds} s @ 44.1k`, seconds, () => void decodeWav(p24))
  time("resample 44.1k → 48k (64 zero crossings)", seconds, () => void resample(x441, 44100, 48000))
  time("resample 48k → 44.1k", seconds, () => void resample(x48, 48000, 44100))
  time("resample 48k → 16k", seconds, () => void resample(x48, 48000, 16000))
  const late = new Float32Array(x441.length)
  late.set(x441.subarray(0, x441.length - 300), 300)
  time("estimateLag (FFT xcorr), max_lag 4096, 44.1k", seconds, () => void estimateLag(x441, late, 4096))
  time("dataset.validate statistics pass, 44.1k", seconds, () => void signalStats({ sampleRate: 44100, channels: [x441] }, 0.99))
}

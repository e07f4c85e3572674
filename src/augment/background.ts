import { relative, resolve } from "node:path"
import { number, object, string } from "../params/schema.js"
import { listWavFiles, pathKind, readWavFile } from "../audio/wav-files.js"
import { AudioFormatError, ParameterError } from "../errors/audioml-error.js"
import { toMono } from "../dsp/signal.js"
import { resample } from "../dsp/resample.js"
import { addScaledLooped, mapSignal, meanSquare, stepProps, type AugmentStep } from "./step.js"
import { dbToGain } from "../dsp/decibels.js"

interface Background {
  readonly name: string
  readonly sampleRate: number
  readonly samples: Float32Array
  /** Mean square, for the SNR. */
  readonly power: number
  /** Copies at other sample rates, made on first use. */
  readonly resampled: Map<number, Float32Array>
}

/** Load the WAVs under `path` (a folder, searched recursively, or one file), mixed to mono. */
export const loadBackgrounds = (path: string, configDir: string, where: string): Background[] => {
  const full = resolve(configDir, path)
  const kind = pathKind(full)
  if (kind === "missing") throw ParameterError.of(`${where}.path`, `${full} does not exist`)
  const files = kind === "directory" ? listWavFiles(full) : [full]
  if (files.length === 0) throw ParameterError.of(`${where}.path`, `no .wav file under ${full}`)
  return files.map((file) => {
    let signal
    try {
      signal = readWavFile(file)
    } catch (e) {
      if (e instanceof AudioFormatError) throw new AudioFormatError({ file, reason: e.reason, message: `${where}: background ${e.message}`, cause: e })
      throw e
    }
    const samples = toMono(signal)
    if (samples.length === 0) throw new AudioFormatError({ file, reason: `has no samples`, message: `${where}: background ${file} has no samples` })
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i]!)) throw new AudioFormatError({ file, reason: `has a NaN or infinite sample at ${i}`, message: `${where}: background ${file} has a NaN or infinite sample at ${i}` })
    }
    const power = meanSquare({ sampleRate: signal.sampleRate, channels: [samples] })
    if (power === 0) throw new AudioFormatError({ file, reason: `is silent`, message: `${where}: background ${file} is silent` })
    const name = kind === "directory" ? relative(full, file).split("\\").join("/") : relative(configDir, file).split("\\").join("/")
    return { name, sampleRate: signal.sampleRate, samples, power, resampled: new Map() }
  })
}

const atRate = (b: Background, rate: number): Float32Array => {
  if (b.sampleRate === rate) return b.samples
  let x = b.resampled.get(rate)
  if (x === undefined) {
    x = resample(b.samples, b.sampleRate, rate)
    b.resampled.set(rate, x)
  }
  return x
}

export const backgroundStep: AugmentStep<Background[]> = {
  uses: "background",
  description:
    "Mix in a background recording (a random file and offset from `path`, looped if shorter, resampled if its rate differs) at a signal-to-noise ratio",
  params: object(
    {
      ...stepProps("input"),
      path: string({ description: "A WAV file or a folder of WAVs (searched recursively), relative to the config file", minLength: 1 }),
      snr_db: number({ description: "Signal-to-background ratio (RMS)", minimum: -30, maximum: 120, default: { uniform: [5, 20] }, unit: "dB" })
    },
    { required: ["path"] }
  ),
  prepare: (p, ctx) => {
    if (typeof p["path"] !== "string") throw ParameterError.of(`${ctx.where}.path`, "a file or folder of WAVs is required")
    return loadBackgrounds(p["path"], ctx.configDir, ctx.where)
  },
  draw: (p, ref, rng, backgrounds) => {
    const b = backgrounds[rng.int(0, backgrounds.length - 1)]!
    const samples = atRate(b, ref.sampleRate)
    const offset = rng.int(0, samples.length - 1)
    const snr = p["snr_db"] as number
    const g = Math.sqrt(meanSquare(ref) / b.power) / dbToGain(snr)
    return {
      labels: { file: b.name, offset: offset / ref.sampleRate, snr_db: snr },
      apply: (s) => mapSignal(s, (x) => addScaledLooped(x, samples, g, offset))
    }
  }
}

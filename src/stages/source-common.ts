import { existsSync, statSync } from "node:fs"
import { isAbsolute, resolve } from "node:path"
import { integer, oneOf, string } from "../params/schema.js"
import { ParameterError } from "../errors/audioml-error.js"

/** Parameters shared by the file-based sources (source.wav_dir, source.pairs). */
export const fileSourceParams = {
  channels: oneOf(["mono", "keep"], { description: '"mono": mean of the channels; "keep": as in the file.', default: "mono" }),
  on_bad_file: oneOf(["error", "skip"], {
    description: 'A file that cannot be read (truncated, not WAV, 0 samples, unsupported encoding, NaN/Inf): "error" stops with its name, "skip" leaves it out and lists it in the stage report.',
    default: "error"
  }),
  sample_rate: integer({
    description: "Rate every file is resampled to (band-limited windowed sinc); filled with the pipeline's sample_rate.",
    minimum: 1000,
    maximum: 768000,
    unit: "Hz",
    default: 44100,
    distribution: false
  })
} as const

export const pathParam = (description: string) => string({ description, minLength: 1 })

/** `path` resolved against the config's folder; an error naming the parameter if it is not a folder. */
export const resolveDir = (configDir: string, path: string, stage: string): string => {
  const dir = isAbsolute(path) ? path : resolve(configDir, path)
  if (!existsSync(dir)) throw new ParameterError({ parameter: "path", message: `${stage}: path "${path}" does not exist (resolved to ${dir})` })
  if (!statSync(dir).isDirectory()) throw new ParameterError({ parameter: "path", message: `${stage}: path "${path}" is not a folder (resolved to ${dir})` })
  return dir
}

export interface SkippedFile {
  readonly file: string
  readonly reason: string
}

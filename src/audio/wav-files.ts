/**
 * WAV files read synchronously, for library code that needs a recording's samples while it
 * runs: impulse responses (reverb.convolve) and background recordings (augment's
 * `background` step). Errors are AudioFormatErrors naming the file.
 */
import { readFileSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { AudioFormatError } from "../errors/audioml-error.js"
import type { Signal } from "../dsp/signal.js"
import { decodeWav } from "./wav.js"

/** Whether `path` is a file, a folder, or does not exist. */
export const pathKind = (path: string): "file" | "directory" | "missing" => {
  try {
    return statSync(path).isDirectory() ? "directory" : "file"
  } catch {
    return "missing"
  }
}

/** Every `.wav` (any case) under `dir`, searched recursively, in name order at each level. */
export const listWavFiles = (dir: string): string[] => {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listWavFiles(path))
    else if (/\.wav$/i.test(entry.name)) out.push(path)
  }
  return out
}

/**
 * Reads and decodes the WAV file `path`. An unreadable file is an AudioFormatError saying
 * "cannot read (<code>)"; bytes that are not a usable WAV file say "not a readable WAV file (<why>)".
 */
export const readWavFile = (path: string): Signal => {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(path)
  } catch (e) {
    throw AudioFormatError.of(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e)
  }
  try {
    return decodeWav(bytes)
  } catch (e) {
    throw AudioFormatError.of(path, `not a readable WAV file (${e instanceof AudioFormatError ? e.reason : (e as Error).message})`, e)
  }
}

interface CachedWav {
  readonly size: number
  readonly signal: Signal
}
const cache = new Map<string, CachedWav>()

/** {@link readWavFile} once per process and path (read again when the file's size changes); at most 33 files are kept. */
export const readWavFileCached = (path: string): Signal => {
  let size: number
  try {
    size = statSync(path).size
  } catch (e) {
    throw AudioFormatError.of(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e)
  }
  const cached = cache.get(path)
  if (cached !== undefined && cached.size === size) return cached.signal
  const signal = readWavFile(path)
  if (cache.size > 32) cache.clear()
  cache.set(path, { size, signal })
  return signal
}

import { readFileSync } from "node:fs"
import { decodeAudioFile } from "../audio/read-audio-file.js"
import type { Signal } from "../dsp/signal.js"
import { badInput } from "./user-error.js"

/**
 * Read the WAV a command was given: any bit depth, NaN/Inf rejected; a missing or
 * unreadable file is a UserError (exit 2) naming it.
 */
export const readInputWav = (path: string): Signal => {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw badInput(`${path}: ${code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : (e as Error).message}`)
  }
  try {
    return decodeAudioFile(bytes, path)
  } catch (e) {
    throw badInput((e as Error).message)
  }
}

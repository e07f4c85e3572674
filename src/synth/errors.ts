/**
 * Errors of the synth library. Each names the file (or parameter) and says what to do, so
 * the CLI can print it as is.
 */

/** A preset or bank file that cannot be read: truncated, wrong magic, bad value. */
export class PresetFileError extends Error {
  override readonly name = "PresetFileError"
  constructor(
    /** The file (or the label given for in-memory bytes). */
    readonly file: string,
    detail: string
  ) {
    super(`${file}: ${detail}`)
  }
}

/** The amsynth plugin (or its banks) could not be found or loaded. */
export class SynthPluginError extends Error {
  override readonly name = "SynthPluginError"
}

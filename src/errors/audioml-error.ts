/**
 * errors — the bottom layer: the one tagged error family of audioml's plain-code layers
 * (params, dsp, audio, effects, features, augment, synth, ml). It imports nothing from audioml.
 *
 * Every member is an Effect `Data.TaggedError`: plain synchronous code `throw`s it like any
 * Error, Effect code can `yield*` it or match it with `Effect.catchTag`, and the CLI turns
 * every member into `audioml: <message>` and exit code 2 (see `cli/main.ts`). The message
 * always names the parameter or file at fault and, where it helps, what to do.
 *
 * A plain `Error` (or {@link InvariantViolation}) that reaches the CLI is a bug in audioml and
 * is reported as an internal error, so user mistakes and bugs stay distinguishable.
 *
 * @example
 * ```ts
 * import { ParameterError, isAudiomlError } from "../errors/audioml-error.js"
 * try {
 *   throw ParameterError.of("n_fft", "must be a power of two >= 2, got 1000")
 * } catch (e) {
 *   if (isAudiomlError(e)) console.error(e.message) // "n_fft: must be a power of two >= 2, got 1000"
 * }
 * ```
 */
import * as Data from "effect/Data"

/** The brand that every member of the family carries; {@link isAudiomlError} tests for it. */
export const AudiomlErrorTypeId = "~audioml/AudiomlError" as const

/**
 * A parameter value that cannot be used: out of range, inconsistent with another parameter,
 * or an unknown name. `parameter` is the parameter's name as the user wrote it (`n_fft`,
 * `chain[1] (distortion.tanh).drive_db`); `message` starts with it.
 */
export class ParameterError extends Data.TaggedError("ParameterError")<{
  readonly parameter: string
  readonly message: string
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
  /** `ParameterError.of("hop", "must be a positive integer, got 0")` → message `hop: must be …`. */
  static of(parameter: string, reason: string): ParameterError {
    return new ParameterError({ parameter, message: `${parameter}: ${reason}` })
  }
}

/**
 * An audio file (or audio bytes read from a file) that cannot be used: unreadable, not a
 * WAV file, an unsupported encoding, non-finite samples, the wrong sample rate or channel
 * count. `file` names it; `message` starts with it.
 */
export class AudioFormatError extends Data.TaggedError("AudioFormatError")<{
  readonly file: string
  /** What is wrong, without the file name. */
  readonly reason: string
  readonly message: string
  readonly cause?: unknown
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
  /** `AudioFormatError.of("dry/a.wav", "is not a WAV file")` → message `dry/a.wav: is not a WAV file`. */
  static of(file: string, reason: string, cause?: unknown): AudioFormatError {
    return new AudioFormatError({ file, reason, message: `${file}: ${reason}`, ...(cause === undefined ? {} : { cause }) })
  }
}

/**
 * A non-audio file that cannot be used: a `.npy` array, a model file (`model.json`,
 * weights), a preset. `file` names it; `message` starts with it.
 */
export class FileFormatError extends Data.TaggedError("FileFormatError")<{
  readonly file: string
  readonly message: string
  readonly cause?: unknown
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
  /** `FileFormatError.of("model/model.json", "has no weights")` → message `model/model.json: has no weights`. */
  static of(file: string, reason: string, cause?: unknown): FileFormatError {
    return new FileFormatError({ file, message: `${file}: ${reason}`, ...(cause === undefined ? {} : { cause }) })
  }
}

/**
 * Inputs that are each valid but do not fit together: clips of different lengths where one
 * length is needed, a label missing from some clips, a feature set without the expected
 * frames. The message says which items disagree and how.
 */
export class DataError extends Data.TaggedError("DataError")<{
  readonly message: string
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
}

/** Bad model parameters, shapes or model files: the message names the parameter or file. */
export class ModelError extends Data.TaggedError("ModelError")<{
  readonly message: string
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
}

/** A loss that cannot be built or applied (unknown name, bad parameter, shapes that differ). */
export class LossError extends Data.TaggedError("LossError")<{
  readonly message: string
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
}

/** A forced tfjs backend that cannot be loaded, or an unknown backend name (`backend`). */
export class BackendError extends Data.TaggedError("BackendError")<{
  readonly backend: string
  readonly message: string
  readonly cause?: unknown
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
}

/**
 * A plugin or external program that audioml hosts cannot be found or loaded (amsynth's DSSI
 * plugin, koffi): the message names the path and says how to get it.
 */
export class PluginError extends Data.TaggedError("PluginError")<{
  readonly message: string
}> {
  readonly [AudiomlErrorTypeId] = AudiomlErrorTypeId
}

/** Any member of the family: what a plain-code layer throws for a mistake in its input. */
export type AudiomlError = ParameterError | AudioFormatError | FileFormatError | DataError | ModelError | LossError | BackendError | PluginError

/** True for every member of the family (and for nothing else, including plain `Error`s). */
export const isAudiomlError = (u: unknown): u is AudiomlError =>
  typeof u === "object" && u !== null && (u as { [AudiomlErrorTypeId]?: unknown })[AudiomlErrorTypeId] === AudiomlErrorTypeId

/**
 * `error` with `context` put in front of its message (`chain[1] (eq.peaking): q: must be > 0`).
 * A member of the family stays the same member (so the CLI still gives exit 2), with the
 * original as its `cause`; anything else becomes a plain Error with the prefixed message.
 */
export const withContext = (error: unknown, context: string): Error => {
  const message = `${context}: ${error instanceof Error ? error.message : String(error)}`
  if (isAudiomlError(error)) {
    const Member = error.constructor as new (args: Record<string, unknown>) => AudiomlError
    return new Member({ ...error, message, cause: error })
  }
  return new Error(message, { cause: error })
}

/**
 * A broken internal assumption: a bug in audioml, never a user mistake. Deliberately not a
 * member of the family, so the CLI reports it as an internal error ("please report this").
 */
export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation"
}

/** Throws an {@link InvariantViolation} with `message` unless `condition` holds. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message)
}

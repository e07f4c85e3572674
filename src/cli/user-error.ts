import * as Data from "effect/Data"
import { isAudiomlError } from "../errors/audioml-error.js"

/**
 * An error meant for the person at the terminal: printed as `audioml: <message>` on
 * stderr with no stack trace, and the process exits with `exitCode`
 * (2 for bad config, parameters or input files; 1 for failures while running).
 */
export class UserError extends Data.TaggedError("UserError")<{
  readonly message: string
  readonly exitCode: number
}> {}

/** A UserError with exit code 2 (bad config, parameters or input files). */
export const badInput = (message: string): UserError => new UserError({ message, exitCode: 2 })

/**
 * The one mapping from failures to what the terminal shows:
 * - a UserError as it is;
 * - a member of the errors/ family (ParameterError, AudioFormatError, FileFormatError,
 *   DataError, ModelError, LossError, BackendError): its message, exit 2 — also when a stage
 *   failed with one (`stages.<id>: <message>`);
 * - any other StageError (`stages.<id>: …`) or StoreError (`store <path>: …`): exit 1.
 * Anything else is a bug in audioml: undefined, and the caller reports an internal error.
 */
export const toUserError = (error: unknown): UserError | undefined => {
  if (error instanceof UserError) return error
  if (isAudiomlError(error)) return badInput(error.message)
  const e = error as { _tag?: unknown; message?: string; stage?: string; path?: string; cause?: unknown }
  if (e?._tag === "StageError") return new UserError({ message: `stages.${e.stage}: ${e.message}`, exitCode: isAudiomlError(e.cause) ? 2 : 1 })
  if (e?._tag === "StoreError") return new UserError({ message: `store ${e.path}: ${e.message}`, exitCode: 1 })
  return undefined
}

import * as Data from "effect/Data"

/**
 * An error meant for the person at the terminal: printed as `audioml: <message>` on
 * stderr with no stack trace, and the process exits with `exitCode`
 * (2 for bad config, parameters or input files; 1 for failures while running).
 */
export class UserError extends Data.TaggedError("UserError")<{
  readonly message: string
  readonly exitCode: number
}> {}

export const badInput = (message: string): UserError => new UserError({ message, exitCode: 2 })

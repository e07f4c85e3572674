/**
 * One problem with a parameter value, at its path (`chain[1].drive_db`, `mel.n_mels`):
 * what the schema validator, the config loader and the library functions all report, so a
 * mistake reads the same from `audioml run`, `audioml fx` and a library call.
 */
export interface ParamIssue {
  /** The value's path, as users write it (`stages.wet.chain[1].drive_db`); "" for the whole value. */
  readonly path: string
  readonly message: string
}

/** `path: message`, or the message alone for the whole value. */
export const formatParamIssue = (issue: ParamIssue): string => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`)

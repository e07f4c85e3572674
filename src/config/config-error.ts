import * as Data from "effect/Data"
import type { ParamIssue } from "../params/param-issue.js"

/**
 * One problem found in a config. `path` is the TOML path of the offending value
 * (`stages.wet.chain[1].drive_db`), or `--set <arg>` for a bad override. `file` is set
 * when the problem lies in another file than the one being loaded (a base config
 * reached through `extends`); `line`/`col` (1-based) for TOML syntax errors.
 */
export interface ConfigIssue extends ParamIssue {
  readonly file?: string
  readonly line?: number
  readonly col?: number
}

const formatIssue = (file: string, issue: ConfigIssue): string => {
  const where = issue.file ?? file
  if (issue.line !== undefined) return `${where}:${issue.line}:${issue.col ?? 1}: ${issue.message}`
  return issue.path === "" ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`
}

/** Every problem of a config at once; nothing runs until the config is clean. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly file: string
  readonly issues: ReadonlyArray<ConfigIssue>
}> {
  /** One line per issue: `<file>: <toml.path>: <message>` (or `<file>:<line>:<col>: <message>`). */
  format(): string {
    return formatConfigError(this)
  }

  /** So that printing the error anywhere (logs, Cause.pretty) shows the same lines. */
  override get message(): string {
    return this.format()
  }
}

export const formatConfigError = (error: { readonly file: string; readonly issues: ReadonlyArray<ConfigIssue> }): string =>
  error.issues.map((issue) => formatIssue(error.file, issue)).join("\n")

import TOML from "@iarna/toml"
import type { ConfigIssue } from "./config-error.js"
import { plain, unrepresentableValues } from "./read-config.js"
import { didYouMean } from "../params/did-you-mean.js"
import { formatPath, parsePath, type PathSegment } from "../params/toml-path.js"

/** One `--set path=value`: a single value, or a sweep when the value is a comma list. */
export interface Override {
  readonly arg: string
  /** The path normalised (`stages.wet.chain[1].drive_db`), the key of overrides.json. */
  readonly path: string
  readonly segments: ReadonlyArray<PathSegment>
  readonly values: ReadonlyArray<unknown>
  readonly sweep: boolean
}

/**
 * A value as TOML would read it on the right of `x = ...`: 64, 0.5, true, "text",
 * [1, 2], { uniform = [0, 1] }. Anything that is not valid TOML is taken as a bare
 * string, so `--set stages.a.mode=limit` works without quotes.
 */
export const parseValue = (text: string): unknown => {
  try {
    return plain((TOML.parse(`x = ${text}`) as Record<string, unknown>)["x"])
  } catch {
    return text
  }
}

/** Split at commas outside brackets, braces and quotes; one piece when there are none. */
export const splitTopLevel = (text: string): string[] => {
  const pieces: string[] = []
  let depth = 0
  let quote: string | undefined
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote !== undefined) {
      if (c === "\\" && quote === '"') i++
      else if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === "[" || c === "{") depth++
    else if (c === "]" || c === "}") depth--
    else if (c === "," && depth === 0) {
      pieces.push(text.slice(start, i))
      start = i + 1
    }
  }
  pieces.push(text.slice(start))
  return pieces
}

export const parseOverrides = (args: ReadonlyArray<string>): { overrides: Override[]; issues: ConfigIssue[] } => {
  const overrides: Override[] = []
  const issues: ConfigIssue[] = []
  for (const arg of args) {
    const where = `--set ${arg}`
    const eq = arg.indexOf("=")
    if (eq < 0) {
      issues.push({ path: where, message: "expected path=value, e.g. --set stages.fx_model.epochs=24" })
      continue
    }
    const segments = parsePath(arg.slice(0, eq).trim())
    if (typeof segments === "string") {
      issues.push({ path: where, message: `bad path: ${segments}` })
      continue
    }
    const text = arg.slice(eq + 1).trim()
    if (text === "") {
      issues.push({ path: where, message: 'missing value after "=" (write "" for an empty string)' })
      continue
    }
    const pieces = splitTopLevel(text).map((p) => p.trim())
    if (pieces.some((p) => p === "")) {
      issues.push({ path: where, message: "empty value in the comma list (a sweep is written a=1,2,3)" })
      continue
    }
    const values = pieces.map(parseValue)
    const bad = values.flatMap((v) => unrepresentableValues(v))
    if (bad.length > 0) {
      issues.push(...bad.map((b) => ({ path: where, message: b.message })))
      continue
    }
    overrides.push({ arg, path: formatPath(segments), segments, values, sweep: pieces.length > 1 })
  }
  return { overrides, issues }
}

/**
 * Why an override cannot apply to the config's stages, or undefined when it can: a path
 * `stages.<id>...` must name a stage the config has (a typo would otherwise create a new,
 * half-defined stage), unless it sets a whole new stage table with its `uses`.
 */
export const unknownStageProblem = (
  segments: ReadonlyArray<PathSegment>,
  values: ReadonlyArray<unknown>,
  stages: unknown
): string | undefined => {
  if (segments[0] !== "stages" || typeof segments[1] !== "string") return undefined
  const known = stages !== null && typeof stages === "object" && !Array.isArray(stages) ? Object.keys(stages) : []
  const id = segments[1]
  if (known.includes(id)) return undefined
  const definesStage = segments.length === 2 && values.every((v) => v !== null && typeof v === "object" && !Array.isArray(v) && "uses" in v)
  if (definesStage) return undefined
  return `no stage "${id}" in this config${didYouMean(id, known)} (stages: ${known.join(", ")})`
}

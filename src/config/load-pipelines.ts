import * as Effect from "effect/Effect"
import { basename, dirname, extname, relative, resolve } from "node:path"
import type { PipelineSpec } from "../engine/pipeline-spec.js"
import type { StageRegistry } from "../engine/registry.js"
import { translateAjvErrors } from "../params/ajv-messages.js"
import { ConfigError, type ConfigIssue } from "./config-error.js"
import { parseOverrides, unknownStageProblem, type Override } from "./overrides.js"
import { checkParams } from "./validation-memo.js"
import { loadPlugins } from "./plugins.js"
import { isTable } from "../params/values.js"
import { displayPath, readConfig, type Table } from "./read-config.js"
import { expandGrid, type SweepAxis } from "./sweep.js"
import { formatPath, parsePath, setAt, type PathSegment } from "../params/toml-path.js"
import { defaultSampleRate, defaultSeed, topLevelSchema } from "./top-level-schema.js"
import { validateStages } from "./validate-stages.js"
import { datasetMemoryIssues, estimateDatasets } from "./dataset-memory.js"
import { missingInputIssues } from "./input-paths.js"
import { sampleRateProblem, sampleRateRange } from "../audio/sample-rate-range.js"

export interface LoadOptions {
  /** `--set path=value` arguments, in order (later ones win). */
  readonly set: ReadonlyArray<string>
  /** The stage kinds available before the config's own `plugins` are loaded. */
  readonly registry: StageRegistry
  /** Folder remembering successful param validations (see validation-memo.ts); optional. */
  readonly memoDir?: string
  /**
   * The user trusts the config's `plugins` (`--allow-plugins` or AUDIOML_ALLOW_PLUGINS=1):
   * a plugin is code that runs with the user's rights as soon as it is loaded, during
   * validate and plan too. Default false: a config listing plugins is refused.
   */
  readonly allowPlugins?: boolean
}

export interface LoadedPipelines {
  /** One spec per sweep variation (a single one without a sweep). */
  readonly pipelines: PipelineSpec[]
  /** The input registry plus the stages of the config's plugins. */
  readonly registry: StageRegistry
}

/** The most variations one config may expand to: beyond this it is almost surely a mistake. */
export const maxVariations = 10_000

/** A name usable as a folder, from the config's file name. */
const defaultName = (file: string): string =>
  basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "") || "pipeline"

type Outcome = { readonly ok: true; readonly value: LoadedPipelines } | { readonly ok: false; readonly issues: ConfigIssue[] }

const load = async (file: string, options: LoadOptions): Promise<Outcome> => {
  const read = readConfig(file)
  if (!read.ok) return { ok: false, issues: read.issues }
  const configFile = resolve(file)
  const configDir = dirname(configFile)
  const base: Table = read.data
  const issues: ConfigIssue[] = []

  // --set: single values go into the base config now; comma lists become sweep axes.
  const parsed = parseOverrides(options.set)
  issues.push(...parsed.issues)
  const fixed: Override[] = []
  const axes = new Map<string, SweepAxis>()
  for (const o of parsed.overrides) {
    const stageProblem = unknownStageProblem(o.segments, o.values, base["stages"])
    if (o.segments[0] === "extends" || o.segments[0] === "sweep") {
      issues.push({ path: `--set ${o.arg}`, message: `"${o.segments[0]}" cannot be set from the command line` })
    } else if (stageProblem !== undefined) {
      issues.push({ path: `--set ${o.arg}`, message: stageProblem })
    } else if (o.sweep) {
      axes.set(o.path, { path: o.path, segments: o.segments, values: o.values, where: `--set ${o.arg}` })
    } else {
      const problem = setAt(base, o.segments, o.values[0])
      if (problem !== undefined) issues.push({ path: `--set ${o.arg}`, message: problem })
      else {
        fixed.push(o)
        axes.delete(o.path) // a later single value replaces an earlier sweep of the same path
      }
    }
  }

  // [sweep]: every "dotted.path" = [values] not overridden on the command line.
  const sweep = base["sweep"]
  delete base["sweep"]
  if (sweep !== undefined && !isTable(sweep)) {
    issues.push({ path: "sweep", message: 'must be a table of "dotted.path" = [values]' })
  } else if (sweep !== undefined) {
    for (const entry of sweepEntries(sweep, [])) {
      if (typeof entry.segments === "string") {
        issues.push({ path: entry.where, message: `bad path: ${entry.segments}` })
        continue
      }
      if (!Array.isArray(entry.values) || entry.values.length === 0) {
        issues.push({ path: entry.where, message: "must be a non-empty array of the values to try" })
        continue
      }
      const stageProblem = unknownStageProblem(entry.segments, entry.values, base["stages"])
      if (stageProblem !== undefined) {
        issues.push({ path: entry.where, message: stageProblem })
        continue
      }
      const path = formatPath(entry.segments)
      if (fixed.some((o) => o.path === path) || axes.has(path)) continue // --set wins
      axes.set(path, { path, segments: entry.segments, values: entry.values, where: entry.where })
    }
  }
  const grid = expandGrid([...axes.values()])
  if (grid.count > maxVariations) {
    issues.push({ path: "sweep", message: `expands to ${grid.count} variations (at most ${maxVariations}); sweep fewer values` })
    return { ok: false, issues }
  }

  // Plugins, relative to the file that listed them (already absolute), or to the config for --set.
  if (Array.isArray(base["plugins"])) {
    base["plugins"] = base["plugins"].map((p) => (typeof p === "string" && p !== "" ? resolve(configDir, p) : p))
  }
  let rateRange: readonly [number, number] | undefined
  try {
    rateRange = sampleRateRange()
  } catch (e) {
    issues.push({ path: "sample_rate", message: (e as Error).message })
  }

  const registry = options.registry.clone()
  const pluginIssues = pluginTrustIssues(file, base["plugins"], read, fixed, options.allowPlugins === true)
  if (pluginIssues.length === 0 && Array.isArray(base["plugins"])) pluginIssues.push(...(await loadPlugins(base["plugins"], registry)))
  issues.push(...pluginIssues)

  const name = defaultName(configFile)
  const overrides: Record<string, unknown> = {}
  for (const o of fixed) overrides[o.path] = o.values[0]

  const pipelines: PipelineSpec[] = []
  for (let index = 0; index < grid.count; index++) {
    const cfg: Table = structuredClone(base)
    const values: Record<string, unknown> = {}
    for (const [axis, value] of grid.at(index)) {
      const problem = setAt(cfg, axis.segments, value)
      if (problem !== undefined) issues.push({ path: axis.where, message: problem })
      values[axis.path] = value
    }
    cfg["name"] ??= name
    cfg["seed"] ??= defaultSeed
    cfg["sample_rate"] ??= defaultSampleRate

    const top = checkParams(topLevelSchema, cfg, options.memoDir)
    if (top.ok) Object.assign(cfg, top.value)
    else issues.push(...translateAjvErrors(top.errors, cfg, { prefix: [] }))
    if (pluginIssues.length > 0) continue // stage kinds are unknown until every plugin loads

    const stages = cfg["stages"]
    if (stages === undefined || (isTable(stages) && Object.keys(stages).length === 0)) {
      issues.push({ path: "stages", message: "a pipeline needs at least one [stages.<id>] table with a `uses` key" })
      continue
    }
    if (!isTable(stages)) continue // reported by the top-level schema
    // An invalid pipeline rate is reported once, at sample_rate, not again in every stage it would fill.
    const sr = cfg["sample_rate"]
    const schemaValid = typeof sr === "number" && Number.isInteger(sr) && sr >= 1 && sr <= 768000
    const rateProblem = schemaValid && rateRange !== undefined ? sampleRateProblem(sr, rateRange) : undefined
    if (rateProblem !== undefined) issues.push({ path: "sample_rate", message: rateProblem })
    const sampleRate = schemaValid && rateProblem === undefined ? sr : defaultSampleRate
    const checked = validateStages(stages, registry, sampleRate, options.memoDir)
    issues.push(...checked.issues)
    issues.push(...datasetMemoryIssues(estimateDatasets(checked.nodes, registry)))
    issues.push(...missingInputIssues(checked.nodes, registry, configDir))
    // a stage's own rate (the pipeline's, when filled, is checked above)
    for (const node of checked.nodes) {
      const own = node.params["sample_rate"]
      const problem = typeof own === "number" && rateRange !== undefined ? sampleRateProblem(own, rateRange) : undefined
      if (problem !== undefined && own !== sampleRate) issues.push({ path: `stages.${node.id}.sample_rate`, message: problem })
    }

    const { name: n, description, seed, sample_rate, plugins, stages: _stages, ...others } = cfg
    const resolved: Table = {
      name: n,
      ...(description !== undefined ? { description } : {}),
      seed,
      sample_rate,
      ...(Array.isArray(plugins) ? { plugins: plugins.map((p) => (typeof p === "string" ? relative(configDir, p) : p)) } : {}),
      ...others,
      stages: checked.resolved
    }
    pipelines.push({
      name: String(n),
      seed: Number(seed),
      sampleRate,
      configFile,
      configDir,
      nodes: checked.nodes,
      resolved: structuredClone(resolved),
      overrides: { ...overrides, ...values },
      ...(grid.count > 1 || axes.size > 0 ? { variation: { index, count: grid.count, values } } : {})
    })
  }

  if (issues.length > 0) return { ok: false, issues: dedupe(issues) }
  return { ok: true, value: { pipelines, registry } }
}

/**
 * The trust rule for plugins, checked before any module is imported: every plugin must be
 * listed by the config's own file (or by a `--set plugins=...` the user typed), not only by
 * an `extends` base, and the user must have trusted them for this invocation.
 */
const pluginTrustIssues = (
  file: string,
  plugins: unknown,
  read: Extract<ReturnType<typeof readConfig>, { ok: true }>,
  fixed: ReadonlyArray<Override>,
  allowed: boolean
): ConfigIssue[] => {
  if (!Array.isArray(plugins)) return []
  const paths = plugins.filter((p): p is string => typeof p === "string" && p !== "")
  if (paths.length === 0) return []
  const typed = fixed.some((o) => o.segments[0] === "plugins")
  const own = new Set(read.ownPlugins)
  const issues: ConfigIssue[] = []
  plugins.forEach((p, i) => {
    if (typeof p !== "string" || typed || own.has(p)) return
    const from = read.basePlugins.get(p)
    if (from === undefined) return
    issues.push({
      path: `plugins[${i}]`,
      message:
        `${displayPath(p)} is listed only in ${from} (through extends); a plugin loads only when the config's own file lists it — ` +
        `add it to the plugins of ${file} if you mean to run it`
    })
  })
  if (issues.length > 0 || allowed) return issues
  return [
    {
      path: "plugins",
      message:
        `this config loads plugin code (${paths.map(displayPath).join(", ")}), which runs with your user's rights as soon as it loads, ` +
        `during validate and plan too. Read it first; if you trust it, pass --allow-plugins or set AUDIOML_ALLOW_PLUGINS=1`
    }
  ]
}

/**
 * The entries of [sweep]: `"stages.m.hidden" = [...]` (one quoted key) or, as TOML
 * reads unquoted dotted keys, nested tables `stages.m.hidden = [...]`.
 */
const sweepEntries = (
  table: Table,
  prefix: ReadonlyArray<PathSegment>
): Array<{ where: string; segments: ReadonlyArray<PathSegment> | string; values: unknown }> =>
  Object.entries(table).flatMap(([key, value]) => {
    const where = formatPath(["sweep", ...prefix.map(String), key])
    const own = parsePath(key)
    const segments = typeof own === "string" ? own : [...prefix, ...own]
    if (isTable(value) && typeof segments !== "string") return sweepEntries(value, segments)
    return [{ where, segments, values: value }]
  })

/** The same problem found in several sweep variations is reported once. */
const dedupe = (issues: ReadonlyArray<ConfigIssue>): ConfigIssue[] => {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.file ?? ""}\u0000${i.line ?? ""}:${i.col ?? ""}\u0000${i.path}\u0000${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Read, merge, override, expand and validate a config: one PipelineSpec per sweep
 * variation, or a ConfigError listing every problem at once (nothing has run yet).
 */
export const loadPipelines = (file: string, options: LoadOptions): Effect.Effect<LoadedPipelines, ConfigError> =>
  Effect.flatMap(
    Effect.promise(() => load(file, options)),
    (outcome) => (outcome.ok ? Effect.succeed(outcome.value) : Effect.fail(new ConfigError({ file, issues: outcome.issues })))
  )

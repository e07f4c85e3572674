import type { NodeSpec } from "../engine/pipeline-spec.js"
import type { StageRegistry } from "../engine/registry.js"
import type { StageDefinition } from "../engine/stage.js"
import { translateAjvErrors, showValue } from "../params/ajv-messages.js"
import type { ConfigIssue } from "./config-error.js"
import { didYouMean } from "../params/did-you-mean.js"
import { checkParams } from "./validation-memo.js"
import { isTable } from "../params/values.js"
import type { Table } from "./read-config.js"
import { formatPath } from "../params/toml-path.js"
import { orderStages, type StageNode } from "./stage-graph.js"

/** Stage ids name folders and appear in paths, so they stay plain identifiers. */
const stageIdPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/

const kindsText = (kinds: ReadonlyArray<string>) => kinds.join(" or ")

/**
 * Check every `[stages.<id>]` table: `uses` names a known kind, params pass the kind's
 * schema (defaults filled in, `sample_rate` taken from the pipeline when the kind has
 * one and the table omits it), `from` connects existing stages to the right ports with
 * matching artifact kinds, and the graph has no cycle. Returns the nodes in a
 * topological order and the stage tables as resolved (defaults applied).
 */
export const validateStages = (
  stages: Table,
  registry: StageRegistry,
  sampleRate: number,
  /** Where successful validations are remembered (the store's `validated/`); none: always run ajv. */
  memoDir?: string
): { nodes: NodeSpec[]; resolved: Table; issues: ConfigIssue[] } => {
  const issues: ConfigIssue[] = []
  const resolved: Table = {}
  const graph: StageNode[] = []
  const ids = Object.keys(stages)
  const known = registry.names()

  for (const id of ids) {
    const table = stages[id]
    if (!isTable(table)) continue // "must be a table" comes from the top-level schema
    const at = (...rest: Array<string | number>) => formatPath(["stages", id, ...rest])
    if (!stageIdPattern.test(id)) {
      issues.push({ path: at(), message: "a stage id must start with a letter or _ and hold only letters, digits, _ and -" })
    }
    const { uses, from, ...rest } = table
    const params: Table = structuredClone(rest)
    if (uses === undefined) {
      issues.push({ path: at(), message: `missing required key "uses" (the stage kind, one of: ${known.join(", ") || "none registered"})` })
      resolved[id] = table
      continue
    }
    if (typeof uses !== "string") {
      issues.push({ path: at("uses"), message: `must be a string naming a stage kind (got ${showValue(uses)})` })
      resolved[id] = table
      continue
    }
    const def = registry.get(uses)
    if (def === undefined) {
      issues.push({
        path: at("uses"),
        message: `unknown stage kind "${uses}"${didYouMean(uses, known)} (known: ${known.join(", ") || "none registered"})`
      })
      resolved[id] = table
      continue
    }

    const props = def.params["properties"]
    const injected = isTable(props) && "sample_rate" in props && params["sample_rate"] === undefined
    if (injected) params["sample_rate"] = sampleRate
    try {
      const check = checkParams(def.params, params, memoDir)
      if (check.ok) Object.assign(params, check.value)
      else {
        const found = translateAjvErrors(check.errors, params, { prefix: ["stages", id], extraRootKeys: ["uses", "from"] })
        const injectedPath = at("sample_rate")
        for (const i of found) {
          issues.push(injected && i.path === injectedPath ? { ...i, message: `${i.message}, taken from the pipeline's sample_rate: set it in [stages.${id}]` } : i)
        }
      }
    } catch (e) {
      issues.push({ path: at("uses"), message: `the params schema of stage kind "${uses}" is invalid: ${(e as Error).message}` })
    }
    resolved[id] = { uses, ...(from !== undefined ? { from } : {}), ...params }

    const { inputs, inputPaths } = connectPorts(def, from, at, issues)
    graph.push({ id, uses, def, params, inputs, inputPaths })
  }

  const ordered = orderStages(graph, stages, issues)
  const nodes: NodeSpec[] = ordered.map((n) => ({ id: n.id, uses: n.uses, params: n.params, inputs: n.inputs }))
  return { nodes, resolved, issues }
}

/** `from` as port → upstream id, checking its shape against the kind's ports. */
const connectPorts = (
  def: StageDefinition,
  from: unknown,
  at: (...rest: Array<string | number>) => string,
  issues: ConfigIssue[]
): { inputs: Record<string, string>; inputPaths: Record<string, string> } => {
  const ports = Object.entries(def.inputs)
  const portNames = ports.map(([p]) => p)
  const required = ports.filter(([, p]) => !p.optional).map(([p]) => p)
  const inputs: Record<string, string> = {}
  const inputPaths: Record<string, string> = {}
  const done = { inputs, inputPaths }
  if (from === undefined) {
    // An absent `from` leaves every port open; missing required ones are reported below.
  } else if (ports.length === 0) {
    issues.push({ path: at("from"), message: `stage kind "${def.uses}" takes no inputs` })
    return done
  } else if (typeof from === "string") {
    const port = ports.length === 1 ? portNames[0] : required.length === 1 ? required[0] : undefined
    if (port === undefined) {
      issues.push({
        path: at("from"),
        message: `stage kind "${def.uses}" has several input ports (${portNames.join(", ")}): write a table, e.g. from = { ${portNames
          .slice(0, 2)
          .map((p) => `${p} = "..."`)
          .join(", ")} }`
      })
      return done
    }
    inputs[port] = from
    inputPaths[port] = at("from")
  } else if (isTable(from)) {
    for (const [port, up] of Object.entries(from)) {
      if (!portNames.includes(port)) {
        issues.push({ path: at("from", port), message: `unknown input port "${port}"${didYouMean(port, portNames)} (ports of "${def.uses}": ${portNames.join(", ")})` })
      } else if (typeof up !== "string") {
        issues.push({ path: at("from", port), message: `must be a stage id (got ${showValue(up)})` })
      } else {
        inputs[port] = up
        inputPaths[port] = at("from", port)
      }
    }
  } else {
    issues.push({ path: at("from"), message: `must be a stage id or a table { port = "stage id" } (got ${showValue(from)})` })
    return done
  }
  for (const port of required) {
    if (inputs[port] === undefined && !(isTable(from) && port in from)) {
      issues.push({ path: at("from"), message: `missing input "${port}" (expects ${kindsText(def.inputs[port]!.kinds)})` })
    }
  }
  return done
}

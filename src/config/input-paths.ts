import { existsSync } from "node:fs"
import { resolve } from "node:path"
import type { NodeSpec } from "../engine/pipeline-spec.js"
import type { StageRegistry } from "../engine/registry.js"
import { isTable } from "../params/values.js"
import type { ConfigIssue } from "./config-error.js"
import { formatPath, type PathSegment } from "../params/toml-path.js"

/**
 * The TOML path, below the stage table, of the first string param equal to `value`
 * (`chain[1].ir`, `path`), or undefined when the stage derived the path itself (a glob's folder).
 */
const pathOfValue = (data: unknown, value: string, at: PathSegment[] = []): PathSegment[] | undefined => {
  if (data === value) return at
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const found = pathOfValue(data[i], value, [...at, i])
      if (found !== undefined) return found
    }
  } else if (isTable(data)) {
    for (const [k, v] of Object.entries(data)) {
      const found = pathOfValue(v, value, [...at, k])
      if (found !== undefined) return found
    }
  }
  return undefined
}

/**
 * Files and folders a stage reads from outside the store (its `externalPaths`: a source
 * folder, an impulse response, a background recording, a preset bank) that do not exist,
 * as config issues at the param that names them, so `validate` and `plan` catch a mistyped
 * input before anything runs. Relative paths resolve against the config file's folder, as
 * the run does.
 */
export const missingInputIssues = (nodes: ReadonlyArray<NodeSpec>, registry: StageRegistry, configDir: string): ConfigIssue[] =>
  nodes.flatMap((node) => {
    const paths = registry.get(node.uses)?.externalPaths?.(node.params) ?? []
    return paths.flatMap((p): ConfigIssue[] => {
      const abs = resolve(configDir, p)
      if (existsSync(abs)) return []
      const where = pathOfValue(node.params, p)
      return [{ path: formatPath(["stages", node.id, ...(where ?? [])]), message: `${JSON.stringify(p)} does not exist (resolved to ${abs})` }]
    })
  })

import { existsSync } from "node:fs"
import { extname } from "node:path"
import { pathToFileURL } from "node:url"
import type { StageRegistry } from "../engine/registry.js"
import type { StageDefinition } from "../engine/stage.js"
import type { ConfigIssue } from "./config-error.js"
import { isTable } from "../params/values.js"
import { displayPath } from "./read-config.js"

/** What is wrong with a plugin's stage definition, or undefined when it looks complete. */
const definitionProblem = (s: unknown): string | undefined => {
  if (!isTable(s)) return "is not an object"
  if (typeof s["uses"] !== "string" || s["uses"] === "") return "has no `uses` name"
  const name = `stage "${s["uses"]}"`
  if (typeof s["version"] !== "number") return `${name} has no numeric \`version\``
  if (!isTable(s["params"])) return `${name} has no \`params\` schema`
  if (!isTable(s["inputs"])) return `${name} has no \`inputs\` table`
  for (const [port, spec] of Object.entries(s["inputs"] as Record<string, unknown>)) {
    if (!isTable(spec) || !Array.isArray(spec["kinds"])) return `${name}: input port "${port}" has no \`kinds\` list`
  }
  const out = s["output"]
  if (typeof out !== "string" && !(isTable(out) && typeof out["sameAs"] === "string")) return `${name} has no \`output\` kind`
  if (typeof s["run"] !== "function") return `${name} has no \`run\` function`
  return undefined
}

/**
 * Load the `plugins` modules (absolute paths) and add their stages to `registry`.
 * A module exports `stages` (an array of StageDefinition), or a default export that is
 * such an array or an object with `stages`.
 */
export const loadPlugins = async (paths: ReadonlyArray<unknown>, registry: StageRegistry): Promise<ConfigIssue[]> => {
  const issues: ConfigIssue[] = []
  for (let i = 0; i < paths.length; i++) {
    const path = `plugins[${i}]`
    const abs = paths[i]
    if (typeof abs !== "string") continue // reported by the top-level schema
    const shown = displayPath(abs)
    if (![".js", ".mjs"].includes(extname(abs))) {
      issues.push({ path, message: `${shown}: a plugin must be a .js or .mjs module` })
      continue
    }
    if (!existsSync(abs)) {
      issues.push({ path, message: `file not found: ${shown}` })
      continue
    }
    let mod: Record<string, unknown>
    try {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>
    } catch (e) {
      issues.push({ path, message: `cannot load ${shown}: ${e instanceof Error ? e.message : String(e)}` })
      continue
    }
    const def = mod["default"]
    const stages = mod["stages"] ?? (Array.isArray(def) ? def : isTable(def) ? def["stages"] : undefined)
    if (!Array.isArray(stages)) {
      issues.push({ path, message: `${shown} exports no \`stages\` array (export const stages = [...])` })
      continue
    }
    stages.forEach((s: unknown, k: number) => {
      const problem = definitionProblem(s)
      if (problem !== undefined) {
        issues.push({ path, message: `${shown}: stages[${k}] ${problem}` })
        return
      }
      const stage = s as StageDefinition
      if (registry.get(stage.uses) !== undefined) {
        issues.push({ path, message: `${shown}: stage kind "${stage.uses}" is already defined` })
        return
      }
      registry.add(stage)
    })
  }
  return issues
}

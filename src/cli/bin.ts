#!/usr/bin/env node
/**
 * The `audioml` executable: answers `--version` before loading anything, turns on Node's
 * on-disk compile cache where the running Node has one (22.1+), then loads the CLI: the
 * bundle `npm run build` makes (dist/cli-bundle/, see scripts/bundle-cli.mjs) when it is at
 * least as new as the compiled dist/cli/main.js, else main.js itself (after a bare `tsc`,
 * a bundle would be stale).
 *
 * Why a separate entry: the CLI (effect/cli, the config layer, every command's flags) costs
 * most of a second to import, which `audioml --version` and shell completion should not pay.
 */
import { readFileSync, statSync } from "node:fs"
import * as nodeModule from "node:module"

/** Modification time of a file next to this one in dist/, or undefined when it is missing. */
const mtimeOf = (relativePath: string): number | undefined => {
  try {
    return statSync(new URL(relativePath, import.meta.url)).mtimeMs
  } catch {
    return undefined
  }
}

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
  process.stdout.write(`audioml v${pkg.version}\n`)
} else {
  // Node 22.1+ caches compiled modules on disk between runs; Node 20 has no such API.
  const enableCompileCache = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache
  if (typeof enableCompileCache === "function") enableCompileCache()
  const bundled = mtimeOf("../cli-bundle/main.js")
  const compiled = mtimeOf("./main.js")
  if (bundled !== undefined && (compiled === undefined || bundled >= compiled)) await import(new URL("../cli-bundle/main.js", import.meta.url).href) // built, not a source module
  else await import("./main.js")
}

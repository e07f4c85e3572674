#!/usr/bin/env node
/**
 * The `audioml` executable: answers `--version` before loading anything, turns on Node's
 * on-disk compile cache where the running Node has one (22.1+), then loads the CLI.
 *
 * Why a separate entry: the CLI (effect/cli, the config layer, every command's flags) costs
 * most of a second to import, which `audioml --version` and shell completion should not pay.
 */
import { readFileSync } from "node:fs"
import * as nodeModule from "node:module"

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
  process.stdout.write(`audioml v${pkg.version}\n`)
} else {
  // Node 22.1+ caches compiled modules on disk between runs; Node 20 has no such API.
  const enableCompileCache = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache
  if (typeof enableCompileCache === "function") enableCompileCache()
  await import("./main.js")
}

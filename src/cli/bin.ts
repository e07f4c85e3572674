#!/usr/bin/env node
/**
 * The `audioml` executable: answers `--version` before loading anything, then loads the CLI:
 * the bundle `npm run build` makes (dist/cli-bundle/main.cjs, see scripts/bundle-cli.mjs),
 * run through V8's code cache (cli/code-cache.ts), when it is at least as new as the compiled
 * dist/cli/main.js, else main.js itself (after a bare `tsc`, a bundle would be stale).
 *
 * Why a separate entry: the CLI (effect/cli, the config layer, every command's flags) costs
 * most of a second to import unbundled, which `audioml --version` should not pay.
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** Modification time of a file next to this one in dist/, or undefined when it is missing. */
const mtimeOf = (relativePath: string): number | undefined => {
  try {
    return statSync(new URL(relativePath, import.meta.url)).mtimeMs
  } catch {
    return undefined
  }
}

/** The code cache's name for this invocation: the subcommand when there is one, else "all" (help, typos). */
const cacheName = (first: string | undefined): string =>
  first !== undefined && /^[a-z]+$/.test(first) && existsSync(new URL(`./commands/${first}.js`, import.meta.url)) ? first : "all"

/** `AUDIOML_CODE_CACHE_DIR`, else dist/cli-bundle/code-cache; undefined when set to "off". */
const cacheDir = (): string | undefined => {
  const env = process.env["AUDIOML_CODE_CACHE_DIR"]
  if (env === "off") return undefined
  return env !== undefined && env !== "" ? env : fileURLToPath(new URL("../cli-bundle/code-cache", import.meta.url))
}

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
  process.stdout.write(`audioml v${pkg.version}\n`)
} else {
  const bundled = mtimeOf("../cli-bundle/main.cjs")
  const compiled = mtimeOf("./main.js")
  if (bundled !== undefined && (compiled === undefined || bundled >= compiled)) {
    const { runWithCodeCache } = await import("./code-cache.js")
    runWithCodeCache(fileURLToPath(new URL("../cli-bundle/main.cjs", import.meta.url)), cacheName(args[0]), cacheDir())
  } else await import("./main.js")
}

/**
 * Runs the bundled CLI (dist/cli-bundle/main.cjs, one CommonJS script made by
 * scripts/bundle-cli.mjs) through V8's code cache: the first run of a command compiles the
 * script, and when it exits writes V8's compiled code (everything that command compiled,
 * the lazily compiled functions included) to `<cache dir>/<command>-<node version>.v8cache`;
 * later runs of that command deserialise it instead of parsing and compiling ~1.3 MB of
 * JavaScript. This is what Node 22's `module.enableCompileCache()` does for ES modules, done
 * by hand because Node 20 has no such API (it cut a cached rerun of training.toml by about
 * 0.15 s of CPU here, see README "Start-up").
 *
 * V8 checks a cache against the source and its own version and flags: a stale or foreign one
 * is rejected (`cachedDataRejected`) and rewritten. Writing is best effort: temp file +
 * rename, and a read-only install simply runs without a cache.
 *
 * The cache folder: `AUDIOML_CODE_CACHE_DIR`, else `dist/cli-bundle/code-cache/` beside the
 * bundle; `AUDIOML_CODE_CACHE_DIR=off` turns the cache off.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import Module, { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { setFlagsFromString } from "node:v8"
import vm from "node:vm"

/** The cache file of `command` in `dir` for the running Node (so two Node versions do not overwrite each other's). */
export const codeCacheFile = (dir: string, command: string): string => join(dir, `${command}-${process.version}-${process.arch}.v8cache`)

/**
 * Run the CommonJS script `bundle` as Node's module loader would (same wrapper, `require`
 * relative to it; its dynamic imports go through `globalThis.__audiomlImport`, an `import()`
 * of this ES module, so bare names resolve from this package), with V8's code cache for
 * `command` from `cacheDir` (undefined: no cache).
 */
export const runWithCodeCache = (bundle: string, command: string, cacheDir: string | undefined): void => {
  const file = cacheDir === undefined ? undefined : codeCacheFile(cacheDir, command)
  let cachedData: Buffer | undefined
  if (file !== undefined) {
    try {
      cachedData = readFileSync(file)
    } catch {
      // no cache yet
    }
  }
  // the bundle starts with a #! line (from main.ts), which is not JavaScript inside the wrapper
  const source = readFileSync(bundle, "utf8").replace(/^#!.*/, "")
  // The bundle's dynamic import()s (tfjs, vega, plugins) are rewritten at build time to call
  // this: a vm.Script's own import() needs a callback that Node 20 loses when the script comes
  // from a code cache ("A dynamic import callback was not specified").
  ;(globalThis as { __audiomlImport?: (specifier: string) => Promise<unknown> }).__audiomlImport = (specifier) => import(specifier)
  // V8 drops the bytecode of functions idle across a few GCs; in a long first run (a cold
  // pipeline, re-hashing a copied store) that removed the start-up path's functions from the
  // cache (640 KB instead of 1.2 MB), costing every later cached rerun ~0.06 s of CPU. Set in
  // every process, before compiling: V8 rejects a cache made under other flags.
  setFlagsFromString("--no-flush-bytecode")
  const script = new vm.Script(Module.wrap(source), { filename: bundle, ...(cachedData !== undefined ? { cachedData } : {}) })
  if (file !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // at exit, so the cache holds every function this command compiled, not only the top level
    process.once("exit", () => writeCache(file, script))
  }
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void
  const module = { exports: {} }
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle))
}

const writeCache = (file: string, script: vm.Script): void => {
  const tmp = `${file}.${process.pid}.tmp`
  try {
    if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true })
    writeFileSync(tmp, script.createCachedData())
    renameSync(tmp, file)
  } catch {
    rmSync(tmp, { force: true }) // a read-only install runs without a cache
  }
}

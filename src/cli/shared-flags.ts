import { Flag } from "effect/cli"
import * as Option from "effect/Option"
import { realpathSync, statSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join, resolve } from "node:path"
import type { SharedStore } from "../engine/shared-store.js"
import { defaultStoreDir, Store } from "../engine/store.js"
import { badInput, UserError } from "./user-error.js"

/** Kernel pseudo file systems: folders there are not data folders (walking /proc/self never ends). */
const pseudoRoots = ["/proc", "/sys", "/dev"]

/**
 * A folder audioml keeps data in (`--runs`, `--store`): refused at once, naming the flag,
 * when it is a file, or lies in /proc, /sys or /dev. A folder that does not exist yet is
 * fine (it is made when needed); its nearest existing parent is checked instead.
 */
export const checkDataFolder = (path: string, flag: string): string => {
  let existing = path
  while (statSync(existing, { throwIfNoEntry: false }) === undefined && dirname(existing) !== existing) existing = dirname(existing)
  const real = (() => {
    try {
      return realpathSync(existing)
    } catch {
      return existing
    }
  })()
  if (pseudoRoots.some((root) => real === root || real.startsWith(root + "/")))
    throw badInput(`${flag} ${path}: ${real} is in a kernel pseudo file system (${pseudoRoots.join(", ")}), not a folder for audioml's data`)
  if (existing === path && !statSync(path).isDirectory()) throw badInput(`${flag} ${path}: not a folder`)
  return path
}

export const setFlag = Flag.String("set").pipe(
  Flag.atLeast(0),
  Flag.withDescription("Override a config value: path=value (TOML value), e.g. stages.fx_model.epochs=24; a=1,2,3 sweeps")
)

export const storeFlag = Flag.String("store").pipe(
  Flag.optional,
  Flag.withDescription("Cache store: a folder, or s3://bucket/prefix shared by many machines (default: $AUDIOML_STORE or runs/.store)")
)

export const runsFlag = Flag.String("runs").pipe(Flag.optional, Flag.withDescription("Runs folder (default: runs)"))

export const jsonFlag = Flag.Boolean("json").pipe(Flag.withDefault(false), Flag.withDescription("Print a JSON summary on stdout"))

export const allowPluginsFlag = Flag.Boolean("allow-plugins").pipe(
  Flag.withDefault(false),
  Flag.withDescription("Trust the config's plugins: load and run their code (also AUDIOML_ALLOW_PLUGINS=1)")
)

/** `--allow-plugins` given, or AUDIOML_ALLOW_PLUGINS=1 in the environment. */
export const pluginsAllowed = (flag: boolean): boolean => flag || process.env["AUDIOML_ALLOW_PLUGINS"] === "1"

/** True for a `--store` value that names a shared store (`s3://bucket/prefix`) rather than a folder. */
export const isSharedStoreUrl = (value: string): boolean => value.startsWith("s3://")

/**
 * The local read-through cache folder in front of a shared store: AUDIOML_CACHE_DIR, else
 * `$XDG_CACHE_HOME/audioml/<bucket>/<prefix>` (default `~/.cache/audioml/...`).
 */
export const sharedCacheDir = (url: string): string => {
  const env = process.env["AUDIOML_CACHE_DIR"]
  if (env !== undefined && env !== "") return resolve(env)
  const base = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache")
  return join(base, "audioml", ...url.slice("s3://".length).split("/").filter((p) => p !== "" && p !== "." && p !== ".."))
}

/** `--store` value, else AUDIOML_STORE (which may be an s3:// URL too). */
const storeValue = (store: Option.Option<string>): string | undefined => (Option.isSome(store) ? store.value : process.env["AUDIOML_STORE"] || undefined)

/**
 * The folder store the engine works on: `--store` (or AUDIOML_STORE, else runs/.store), or
 * for an `s3://` store this machine's read-through cache folder in front of it.
 */
export const openStore = (store: Option.Option<string>): Store => {
  const value = storeValue(store)
  if (value !== undefined && isSharedStoreUrl(value)) return new Store(checkDataFolder(sharedCacheDir(value), "AUDIOML_CACHE_DIR"))
  return new Store(checkDataFolder(value !== undefined ? resolve(value) : resolve(defaultStoreDir()), Option.isSome(store) ? "--store" : "the store"))
}

/**
 * The shared store `--store s3://bucket/prefix` names (S3-compatible: the endpoint comes from
 * AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, credentials from the usual AWS variables), checked
 * to be reachable; undefined for a folder store. The S3 client is loaded only here.
 */
export const openSharedStore = async (store: Option.Option<string>): Promise<SharedStore | undefined> => {
  const value = storeValue(store)
  if (value === undefined || !isSharedStoreUrl(value)) return undefined
  const { S3Store, parseS3Url } = await import("../engine/s3-store.js")
  const location = parseS3Url(value)
  if (location === undefined || location instanceof Error) throw badInput(`--store ${location?.message ?? value}`)
  const shared = new S3Store(value, location)
  try {
    await shared.check()
  } catch (e) {
    shared.close()
    throw new UserError({ message: `--store ${(e as Error).message}`, exitCode: 1 })
  }
  return shared
}

export const runsRootOf = (runs: Option.Option<string>): string =>
  checkDataFolder(Option.isSome(runs) ? resolve(runs.value) : join(process.cwd(), "runs"), "--runs")

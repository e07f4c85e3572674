import { Flag } from "effect/cli"
import * as Option from "effect/Option"
import { realpathSync, statSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { defaultStoreDir, Store } from "../engine/store.js"
import { badInput } from "./user-error.js"

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
  Flag.withDescription("Cache store folder (default: $AUDIOML_STORE or runs/.store)")
)

export const runsFlag = Flag.String("runs").pipe(Flag.optional, Flag.withDescription("Runs folder (default: runs)"))

export const jsonFlag = Flag.Boolean("json").pipe(Flag.withDefault(false), Flag.withDescription("Print a JSON summary on stdout"))

export const allowPluginsFlag = Flag.Boolean("allow-plugins").pipe(
  Flag.withDefault(false),
  Flag.withDescription("Trust the config's plugins: load and run their code (also AUDIOML_ALLOW_PLUGINS=1)")
)

/** `--allow-plugins` given, or AUDIOML_ALLOW_PLUGINS=1 in the environment. */
export const pluginsAllowed = (flag: boolean): boolean => flag || process.env["AUDIOML_ALLOW_PLUGINS"] === "1"

export const openStore = (store: Option.Option<string>): Store =>
  new Store(checkDataFolder(Option.isSome(store) ? resolve(store.value) : resolve(defaultStoreDir()), Option.isSome(store) ? "--store" : "the store"))

export const runsRootOf = (runs: Option.Option<string>): string =>
  checkDataFolder(Option.isSome(runs) ? resolve(runs.value) : join(process.cwd(), "runs"), "--runs")

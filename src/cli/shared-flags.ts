import { Flag } from "effect/cli"
import * as Option from "effect/Option"
import { join, resolve } from "node:path"
import { defaultStoreDir, Store } from "../engine/store.js"

export const setFlag = Flag.String("set").pipe(
  Flag.atLeast(0),
  Flag.withDescription("Override a config value: path=value (TOML value), e.g. stages.model.hidden=64; a=1,2,3 sweeps")
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
  new Store(Option.isSome(store) ? resolve(store.value) : resolve(defaultStoreDir()))

export const runsRootOf = (runs: Option.Option<string>): string => (Option.isSome(runs) ? resolve(runs.value) : join(process.cwd(), "runs"))

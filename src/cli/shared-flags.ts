import { Flag } from "effect/cli"
import * as Option from "effect/Option"
import { join, resolve } from "node:path"
import { defaultStoreDir, Store } from "../engine/store.js"

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

export const openStore = (store: Option.Option<string>): Store =>
  new Store(Option.isSome(store) ? resolve(store.value) : resolve(defaultStoreDir()))

export const runsRootOf = (runs: Option.Option<string>): string => (Option.isSome(runs) ? resolve(runs.value) : join(process.cwd(), "runs"))

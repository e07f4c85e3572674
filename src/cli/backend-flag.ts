import * as Option from "effect/Option"
import { Flag } from "effect/cli"
import { BACKEND_NAMES } from "../ml/backend.js"

/** `--backend NAME`: force one rung of the tfjs ladder (the same as AUDIOML_BACKEND=NAME). */
export const backendFlag = Flag.Literals("backend", BACKEND_NAMES).pipe(
  Flag.optional,
  Flag.withDescription(`Force a tfjs backend (${BACKEND_NAMES.join(", ")}); default: the first that loads. Same as AUDIOML_BACKEND`)
)

/** The model stages read AUDIOML_BACKEND when they load tfjs, so the flag sets it for this process. */
export const applyBackendFlag = (backend: Option.Option<string>): void => {
  if (Option.isSome(backend)) process.env["AUDIOML_BACKEND"] = backend.value
}

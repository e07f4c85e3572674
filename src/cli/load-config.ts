import * as Effect from "effect/Effect"
import { loadPipelines } from "../config/load-pipelines.js"
import { StageRegistry } from "../engine/registry.js"
import { builtinStages } from "../stages/registry.js"
import { UserError } from "./user-error.js"

/** Load and validate a config for the CLI: every config problem becomes exit code 2. */
export const loadForCli = (file: string, set: ReadonlyArray<string>) =>
  loadPipelines(file, { set, registry: new StageRegistry(builtinStages) }).pipe(
    Effect.mapError((e) => new UserError({ message: e.format(), exitCode: 2 }))
  )

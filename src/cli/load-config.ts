import * as Effect from "effect/Effect"
import { loadPipelines } from "../config/load-pipelines.js"
import { StageRegistry } from "../engine/registry.js"
import { builtinStages } from "../stages/registry.js"
import { UserError } from "./user-error.js"
import type { Store } from "../engine/store.js"
import { join } from "node:path"

/**
 * Load and validate a config for the CLI: every config problem becomes exit code 2.
 * Successful param validations are remembered in the store (`validated/`), so a cached
 * rerun does not pay for compiling the schemas again.
 */
export const loadForCli = (file: string, set: ReadonlyArray<string>, store: Store, allowPlugins: boolean) =>
  loadPipelines(file, { set, registry: new StageRegistry(builtinStages), memoDir: join(store.root, "validated"), allowPlugins }).pipe(
    Effect.mapError((e) => new UserError({ message: e.format(), exitCode: 2 }))
  )

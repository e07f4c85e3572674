import * as Effect from "effect/Effect"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { loadPipelines } from "../config/load-pipelines.js"
import { StageRegistry } from "../engine/registry.js"
import type { Store } from "../engine/store.js"
import { backendRequestProblem } from "../ml/backend.js"
import { builtinStages } from "../stages/registry.js"
import { UserError } from "./user-error.js"

/**
 * Load and validate a config for the CLI: every config problem becomes exit code 2, and so
 * does an unknown AUDIOML_BACKEND (found here, not when the first model stage loads tfjs).
 * Successful param validations are remembered in the store (`validated/`), so a cached
 * rerun does not pay for compiling the schemas again. `createsStore`: only `run` creates a
 * store; `validate` and `plan` use its memos when it exists and never create one.
 */
export const loadForCli = (file: string, set: ReadonlyArray<string>, store: Store, allowPlugins: boolean, createsStore = false) =>
  Effect.gen(function* () {
    const backendProblem = backendRequestProblem(process.env["AUDIOML_BACKEND"])
    if (backendProblem !== undefined) return yield* Effect.fail(new UserError({ message: `AUDIOML_BACKEND: ${backendProblem}`, exitCode: 2 }))
    const memoDir = createsStore || existsSync(store.root) ? { memoDir: join(store.root, "validated") } : {}
    return yield* loadPipelines(file, { set, registry: new StageRegistry(builtinStages), ...memoDir, allowPlugins }).pipe(
      Effect.mapError((e) => new UserError({ message: e.format(), exitCode: 2 }))
    )
  })

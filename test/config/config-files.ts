import * as Effect from "effect/Effect"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import type { ConfigError } from "../../src/config/config-error.js"
import { loadPipelines, type LoadedPipelines } from "../../src/config/load-pipelines.js"
import type { StageRegistry } from "../../src/engine/registry.js"
import { testRegistry } from "./test-stages.js"

/** A fresh temp folder holding the given files (paths relative to it). */
export const configDir = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), "audioml-config-"))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

export const load = (file: string, set: ReadonlyArray<string> = [], registry: StageRegistry = testRegistry()): Promise<LoadedPipelines> =>
  Effect.runPromise(loadPipelines(file, { set, registry, allowPlugins: true }))

/** The ConfigError a config must fail with (the promise rejects if it loads). */
export const loadError = (file: string, set: ReadonlyArray<string> = [], registry: StageRegistry = testRegistry()): Promise<ConfigError> =>
  Effect.runPromise(Effect.flip(loadPipelines(file, { set, registry, allowPlugins: true })))

import * as Effect from "effect/Effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Rng } from "../../src/params/rng.js"
import type { Artifact } from "../../src/engine/artifact.js"
import { validatorFor } from "../../src/params/validator.js"
import type { StageContext, StageDefinition } from "../../src/engine/stage.js"

/** A StageContext for unit tests of one stage, outside the engine. */
export const testContext = (stageId = "test", seed = 1, configDir = process.cwd()): StageContext & { reports: unknown[]; warnings: string[] } => {
  const reports: unknown[] = []
  const warnings: string[] = []
  let saved: ReadonlyMap<string, Uint8Array> | undefined
  return {
    stageId,
    seed,
    rng: () => new Rng(seed),
    progress: { start: () => {}, update: () => {} },
    log: () => {},
    warn: (m) => warnings.push(m),
    scratchDir: mkdtempSync(join(tmpdir(), "audioml-test-")),
    configDir,
    report: (v) => reports.push(v),
    checkpoint: { load: async () => saved, save: async (files) => { saved = files } },
    reports,
    warnings
  }
}

/**
 * Run a stage directly and return its artifact (throws the StageError on failure). The
 * params get their schema defaults filled by the config's own validator first, as the
 * config layer hands every stage its params (an invalid value is left for the stage).
 */
export const runStage = (
  stage: StageDefinition,
  params: Record<string, unknown>,
  inputs: Record<string, Artifact> = {},
  ctx: StageContext = testContext()
): Promise<Artifact> => {
  const filled = structuredClone(params)
  validatorFor(stage.params)(filled)
  return Effect.runPromise(stage.run(filled, inputs, ctx))
}

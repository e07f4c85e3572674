import * as Effect from "effect/Effect"
import { StageError } from "../engine/errors.js"
import type { Artifact } from "../engine/artifact.js"
import type { StageContext } from "../engine/stage.js"

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Run plain synchronous stage code; a thrown error becomes a StageError naming the stage. */
export const syncStage = (ctx: StageContext, body: () => Artifact): Effect.Effect<Artifact, StageError> =>
  Effect.try({
    try: body,
    catch: (e) => (e instanceof StageError ? e : new StageError({ stage: ctx.stageId, message: messageOf(e), cause: e }))
  })

/** The same for async code (worker pools, file reads, tfjs). */
export const promiseStage = (ctx: StageContext, body: () => Promise<Artifact>): Effect.Effect<Artifact, StageError> =>
  Effect.tryPromise({
    try: body,
    catch: (e) => (e instanceof StageError ? e : new StageError({ stage: ctx.stageId, message: messageOf(e), cause: e }))
  })

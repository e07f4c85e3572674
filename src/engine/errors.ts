import * as Data from "effect/Data"

/** A stage failed: `stage` is the pipeline's stage id, `message` says what and what to do. */
export class StageError extends Data.TaggedError("StageError")<{
  readonly stage: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A stored object no longer matches its recorded checksum. */
export class CacheCorruption extends Data.TaggedError("CacheCorruption")<{
  readonly node: string
  readonly object: string
  readonly message: string
}> {}

/** I/O on the store or the runs folder failed. */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly path: string
  readonly message: string
  readonly cause?: unknown
}> {}

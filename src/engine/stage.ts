import type * as Effect from "effect/Effect"
import type { Artifact } from "./artifact.js"
import type { StageError } from "./errors.js"
import type { Rng } from "../params/rng.js"
import type { JsonSchema } from "../params/schema.js"

/**
 * An input port accepts one or more artifact kinds. `optional` ports may be left
 * unconnected in the config (the stage then receives no entry for them).
 */
export interface PortSpec {
  readonly kinds: ReadonlyArray<string>
  readonly optional?: boolean
  readonly description?: string
}

/**
 * The output kind is fixed, or the kind of whatever is connected to one input port
 * (e.g. `augment` gives back an AudioSet for an AudioSet and a PairedAudioSet for pairs).
 */
export type OutputSpec = string | { readonly sameAs: string }

export interface ProgressReporter {
  /** Total units of work (clips, epochs...). Call once when known. */
  readonly start: (total: number, unit?: string) => void
  /** Units done so far, with an optional short status ("loss 0.0123"). */
  readonly update: (done: number, status?: string) => void
}

export interface StageContext {
  /** The stage id in the pipeline (the TOML table name under [stages]). */
  readonly stageId: string
  /** The node's derived 32-bit seed: from the pipeline seed and the stage id. */
  readonly seed: number
  /** A fresh stream for this node; `ctx.rng().fork(clipId)` gives per-clip streams. */
  readonly rng: () => Rng
  readonly progress: ProgressReporter
  readonly log: (message: string) => void
  readonly warn: (message: string) => void
  /** A private folder for temporary files; removed whether the stage succeeds or fails. */
  readonly scratchDir: string
  /** Directory of the config file: relative paths in params resolve against it. */
  readonly configDir: string
  /** A JSON report for the run folder (alignment lags, skipped files, checks...). */
  readonly report: (value: unknown) => void
  /**
   * Durable per-node state that survives an interrupted run (training checkpoints).
   * Files are stored under the node's cache key, checksummed, private to the process holding
   * the node's lock, and removed once the node completes. `load` gives undefined when there
   * is none (a corrupt one is dropped with a warning). `at` says how far the state got
   * ({ unit: "epoch", count: 2 }): the manifest then says "resumed from epoch 2".
   */
  readonly checkpoint: {
    readonly load: () => Promise<ReadonlyMap<string, Uint8Array> | undefined>
    readonly save: (files: ReadonlyMap<string, Uint8Array>, at?: { readonly unit: string; readonly count: number }) => Promise<void>
  }
}

/**
 * One kind of stage, named by its TOML `uses` value. `version` goes into the cache key:
 * bump it whenever the stage's output for the same params changes.
 * `params` is a JSON Schema for the stage's own keys (not `uses`/`from`); defaults in it
 * are applied before the key is computed.
 */
export interface StageDefinition<Params = any> {
  readonly uses: string
  readonly version: number
  readonly description: string
  readonly params: JsonSchema
  readonly inputs: Readonly<Record<string, PortSpec>>
  readonly output: OutputSpec
  readonly run: (
    params: Params,
    inputs: Readonly<Record<string, Artifact>>,
    ctx: StageContext
  ) => Effect.Effect<Artifact, StageError>
  /**
   * Files or folders outside the store that the stage reads (data folders, impulse
   * responses), as given in params (relative to the config folder). Their content hashes
   * join the cache key, so adding a WAV to a source folder reruns the source.
   */
  readonly externalPaths?: (params: Params) => ReadonlyArray<string>
  /**
   * Checks across params and inputs that a JSON Schema cannot express (fractions that must
   * sum to 1, a model that needs pairs), run by `validate` and `plan` so the mistake is found
   * before anything runs. `inputKinds`: the artifact kind arriving at each connected port.
   * Each problem's `path` is relative to the stage table ("" for the stage itself).
   */
  readonly checkConfig?: (
    params: Params,
    inputKinds: Readonly<Record<string, string>>
  ) => ReadonlyArray<{ readonly path: string; readonly message: string }>
  /**
   * For sources whose size the params decide (e.g. clips × seconds): an upper estimate of
   * the audio the stage produces, in bytes, and how it was computed. `validate` and `plan`
   * print it and refuse a pipeline whose data would not fit in the available memory.
   */
  readonly estimateOutputBytes?: (params: Params) => { readonly bytes: number; readonly detail: string }
}

import type { WorkerInfo } from "./compute-node.js"
import type { NodeEntry } from "./store.js"

/** What happened to one node in one run: the manifest's per-node record. */
export interface NodeResult {
  readonly id: string
  readonly uses: string
  readonly version: number
  readonly key: string
  readonly cached: boolean
  /** "cache hit", or why it ran: "new", "params changed: stages.x.y", "input changed: dry", "forced", "corrupt entry"... */
  readonly reason: string
  readonly duration_ms: number
  readonly seed: number
  readonly params: unknown
  /** port → { stage, artifact hash } */
  readonly inputs: Readonly<Record<string, { readonly stage: string; readonly artifact: string }>>
  /** Content hashes of the files the stage read from outside the store, when it reads any. */
  readonly external?: Readonly<Record<string, string>>
  /** Set when the node continued from a checkpoint of an interrupted run: "epoch 2". */
  readonly resumed_from?: string
  /** Where a computed node ran (host, pid, local or queue, tfjs backend, GPU or not); absent for a cache hit. */
  readonly worker?: WorkerInfo
  readonly entry: NodeEntry
}

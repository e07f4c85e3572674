import { deriveSeed } from "../params/rng.js"
import { nodeKey } from "./cache-key.js"
import { fingerprintPaths } from "./file-fingerprint.js"
import type { KeyParts } from "./miss-reason.js"
import type { NodeSpec, PipelineSpec } from "./pipeline-spec.js"
import type { StageDefinition } from "./stage.js"
import type { Store } from "./store.js"

/** What one node's key is made of, with the problems met while fingerprinting its input files. */
export interface NodeKeyParts {
  readonly parts: KeyParts
  /** Input files that could not be fingerprinted by content (dangling links, link loops), by name. */
  readonly fileProblems: ReadonlyArray<string>
}

/**
 * The one place a node's cache key is assembled (as DVC has one stage-hash function): the
 * stage kind and version, the params with defaults, the hashes of the connected artifacts,
 * the node's derived seed, and the content of the files it reads from outside the store.
 * `run` and `plan` both call it, so they cannot disagree about what a hit is.
 */
export const nodeKeyParts = async (
  spec: PipelineSpec,
  node: NodeSpec,
  stage: StageDefinition,
  store: Store,
  inputs: Readonly<Record<string, { readonly stage: string; readonly artifact: string }>>
): Promise<NodeKeyParts> => {
  const seed = deriveSeed(spec.seed, node.id)
  const externalPaths = stage.externalPaths?.(node.params) ?? []
  const fingerprint = externalPaths.length === 0 ? undefined : await fingerprintPaths(store, spec.configDir, externalPaths)
  const external = fingerprint?.files
  const key = nodeKey({
    uses: node.uses,
    version: stage.version,
    params: node.params,
    inputs: Object.fromEntries(Object.entries(inputs).map(([port, v]) => [port, v.artifact])),
    seed,
    ...(external !== undefined ? { external } : {})
  })
  return {
    parts: { id: node.id, uses: node.uses, version: stage.version, key, params: node.params, inputs, seed, ...(external !== undefined ? { external } : {}) },
    fileProblems: fingerprint?.problems ?? []
  }
}

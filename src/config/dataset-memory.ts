import { freemem } from "node:os"
import type { NodeSpec } from "../engine/pipeline-spec.js"
import type { StageRegistry } from "../engine/registry.js"
import type { ConfigIssue } from "./config-error.js"

/** One source's estimated output: bytes of audio, and how they were counted. */
export interface DatasetEstimate {
  readonly stage: string
  readonly bytes: number
  readonly detail: string
}

/** Bytes in a human unit: "25.3 MB", "1.2 GB", "635 PB". */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
  let v = bytes
  let u = 0
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`
}

/** The sources whose stage definition can estimate their output from the params. */
export const estimateDatasets = (nodes: ReadonlyArray<NodeSpec>, registry: StageRegistry): DatasetEstimate[] =>
  nodes.flatMap((node) => {
    const e = registry.get(node.uses)?.estimateOutputBytes?.(node.params)
    return e === undefined ? [] : [{ stage: node.id, bytes: e.bytes, detail: e.detail }]
  })

/**
 * Refuse, before anything runs, a source whose data would not fit in the memory available
 * now (`os.freemem()`, MemAvailable on Linux): stages that need a whole set at once (train,
 * features, dataset.segment, source.concat) would hold it, and the rest would still write it
 * to disk. `clips = 1e6, seconds = 3600` is 635 PB and fails here, not after hours.
 */
export const datasetMemoryIssues = (estimates: ReadonlyArray<DatasetEstimate>, available: number = freemem()): ConfigIssue[] =>
  estimates
    .filter((e) => e.bytes > available)
    .map((e) => ({
      path: `stages.${e.stage}`,
      message:
        `makes about ${formatBytes(e.bytes)} of audio (${e.detail}), more than the ${formatBytes(available)} of memory available; ` +
        `use fewer or shorter clips`
    }))

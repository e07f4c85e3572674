import type { Signal } from "../../dsp/signal.js"
import type { ExtractedFeatures } from "../../features/extract.js"
import type { FeatureParams } from "../../features/feature-params.js"
import { mapInOrder, type MapInOrderOptions } from "../worker-pool.js"
import extract, { type FeatureTask } from "./worker.js"

/**
 * Extract features of many signals: across a worker pool (dist/stages/features/worker.js)
 * when there is enough work, otherwise in this thread. Results come back in input order
 * whatever order the workers finish in.
 */
export const extractAll = (
  signals: ReadonlyArray<Signal>,
  params: FeatureParams,
  options: MapInOrderOptions = {}
): Promise<{ results: ExtractedFeatures[]; threads: number }> =>
  mapInOrder(
    new URL("./worker.js", import.meta.url),
    signals.map((signal): FeatureTask => ({ signal, params })),
    extract,
    options
  )

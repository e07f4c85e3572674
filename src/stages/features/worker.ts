import type { Signal } from "../../dsp/signal.js"
import { extractFeatures, type ExtractedFeatures } from "../../features/extract.js"
import type { FeatureParams } from "../../features/feature-params.js"

/** One clip's work for the piscina pool of the `features` stage (dist/stages/features/worker.js). */
export interface FeatureTask {
  readonly signal: Signal
  readonly params: FeatureParams
}

export default function extract(task: FeatureTask): ExtractedFeatures {
  return extractFeatures(task.signal, task.params)
}

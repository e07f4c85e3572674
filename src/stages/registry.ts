import type { StageDefinition } from "../engine/stage.js"
import { effectsChainStage } from "./effects-chain.js"
import { sourceWavDir } from "./source-wav-dir.js"
import { sourcePairs } from "./source-pairs.js"
import { sourceConcat } from "./source-concat.js"
import { datasetSplit } from "./dataset-split.js"
import { datasetValidate } from "./dataset-validate.js"
import { datasetSegment } from "./dataset-segment.js"
import { sourceSynthetic } from "./source-synthetic.js"
import { sourceSynth } from "./source-synth.js"
import { augmentStage } from "./augment.js"
import { featuresStage } from "./features.js"
import { trainStage } from "./train.js"
import { evaluateStage } from "./evaluate.js"
import { stylePairsStage } from "./style-pairs.js"
import { styleMatchStage } from "./style-match.js"
import { styleTrainStage } from "./style-train.js"
import { styleEvaluateStage } from "./style-evaluate.js"

/**
 * Every built-in stage kind, by its `uses` name. Add a stage by importing its definition
 * here; `npm run schemas` then writes schemas/stages/<uses>.schema.json.
 */
export const builtinStages: ReadonlyArray<StageDefinition> = [
  effectsChainStage,
  sourceSynthetic,
  sourceSynth,
  augmentStage,
  sourceWavDir,
  sourcePairs,
  sourceConcat,
  datasetSplit,
  datasetValidate,
  datasetSegment,
  featuresStage,
  trainStage,
  evaluateStage,
  styleMatchStage,
  stylePairsStage,
  styleTrainStage,
  styleEvaluateStage
]

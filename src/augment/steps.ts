import { backgroundStep } from "./background.js"
import { clipStep } from "./clip.js"
import { cropStep } from "./crop.js"
import { filterStep } from "./filter.js"
import { gainStep } from "./gain.js"
import { noiseStep } from "./noise.js"
import { polarityStep } from "./polarity.js"
import { resampleStep } from "./resample.js"
import { reverseStep } from "./reverse.js"
import { shiftStep } from "./shift.js"
import { timeMaskStep } from "./time-mask.js"
import { Catalog } from "../params/catalog.js"
import type { AugmentStep } from "./step.js"

/** Every augmentation step, by `uses`. */
export const augmentCatalog: Catalog<AugmentStep<any>> = new Catalog<AugmentStep<any>>([
  gainStep,
  polarityStep,
  noiseStep,
  backgroundStep,
  shiftStep,
  cropStep,
  timeMaskStep,
  filterStep,
  clipStep,
  resampleStep,
  reverseStep
], { kind: "augmentation step", schemaOf: (s) => s.params })

/** Piscina worker: one SPSA evaluation (see src/ml/style/evaluation-task.ts). */
import { evaluateAt, type SearchSetup } from "./evaluation-task.js"

export default ({ setup, t }: { setup: SearchSetup; t: Float64Array }): number => evaluateAt(setup, t)

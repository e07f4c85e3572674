import * as Effect from "effect/Effect"
import { StageError } from "../../src/engine/errors.js"
import { StageRegistry } from "../../src/engine/registry.js"
import type { OutputSpec, PortSpec, StageDefinition } from "../../src/engine/stage.js"
import { integer, number, object, oneOf, string, taggedList, type JsonSchema } from "../../src/params/schema.js"

/** Small stage kinds for config tests: ports of kinds "A" and "B"; they never run here. */
const stage = (uses: string, params: JsonSchema, inputs: Record<string, PortSpec>, output: OutputSpec): StageDefinition => ({
  uses,
  version: 1,
  description: `test stage ${uses}`,
  params,
  inputs,
  output,
  run: () => Effect.fail(new StageError({ stage: uses, message: "config tests do not run stages" }))
})

export const sourceStage = stage(
  "test.source",
  object({
    clips: integer({ description: "Clip count.", minimum: 1, maximum: 100, default: 4, distribution: false }),
    gain_db: number({ description: "Level.", minimum: -60, maximum: 60, default: 0, unit: "dB" }),
    mode: oneOf(["sine", "noise"], { description: "Signal.", default: "sine" }),
    label: string({ description: "A label." }),
    sample_rate: integer({ description: "Rate.", minimum: 8000, maximum: 192000, unit: "Hz", distribution: false })
  }),
  {},
  "A"
)

export const chainStage = stage(
  "test.chain",
  object({
    chain: taggedList(
      [
        { uses: "fx.drive", schema: object({ drive_db: number({ description: "Drive.", minimum: 0, maximum: 60, default: 12, unit: "dB" }) }) },
        {
          uses: "fx.eq",
          schema: object({
            freq: number({ description: "Centre.", minimum: 20, maximum: 20000, default: 1000, unit: "Hz" }),
            q: number({ description: "Q.", minimum: 0.1, maximum: 10, default: 0.7 })
          })
        }
      ],
      { description: "Effects in order.", default: [] }
    )
  }),
  { audio: { kinds: ["A"] } },
  { sameAs: "audio" }
)

export const pairStage = stage("test.pair", object({}), { input: { kinds: ["A"] }, target: { kinds: ["A"] } }, "B")

export const mixStage = stage("test.mix", object({ amount: number({ description: "Mix.", minimum: 0, maximum: 1, default: 0.5 }) }), { main: { kinds: ["A"] }, side: { kinds: ["A"], optional: true } }, "A")

export const modelStage = stage(
  "test.model",
  object({
    hidden: integer({ description: "Units.", minimum: 1, maximum: 1024, default: 32, distribution: false }),
    lr: number({ description: "Learning rate.", exclusiveMinimum: 0, maximum: 1, default: 0.001, distribution: false })
  }),
  { data: { kinds: ["B"] } },
  "M"
)

export const testRegistry = (): StageRegistry => new StageRegistry([sourceStage, chainStage, pairStage, mixStage, modelStage])

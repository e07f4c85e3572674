import type { StageRegistry } from "../engine/registry.js"
import type { StageDefinition } from "../engine/stage.js"
import type { JsonSchema } from "../schema/param-schema.js"
import { topLevelProperties } from "./top-level-schema.js"

/**
 * The JSON Schema files under schemas/, generated from the stage registry
 * (`npm run schemas`): one per stage kind (the whole `[stages.<id>]` table: `uses`,
 * `from` and the params) and pipeline.schema.json for a whole config, whose `stages`
 * entries are a union over every kind discriminated by `uses` — enough for Taplo /
 * Even Better TOML to complete keys after a `#:schema ../schemas/pipeline.schema.json` line.
 */
export const schemaDialect = "https://json-schema.org/draft/2020-12/schema"

const fromSchema = (stage: StageDefinition): JsonSchema | undefined => {
  const ports = Object.entries(stage.inputs)
  if (ports.length === 0) return undefined
  const portList = ports.map(([name, p]) => `${name} (${p.kinds.join(" | ")}${p.optional ? ", optional" : ""})`).join(", ")
  const table: JsonSchema = {
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(
      ports.map(([name, p]) => [
        name,
        { type: "string", description: `Id of the stage feeding this port; it must produce ${p.kinds.join(" or ")}.${p.description ? ` ${p.description}` : ""}` }
      ])
    ),
    ...(ports.some(([, p]) => !p.optional) ? { required: ports.filter(([, p]) => !p.optional).map(([n]) => n) } : {})
  }
  return {
    description: `Input stages. Ports: ${portList}. A string names the stage feeding the one required port.`,
    anyOf: [{ type: "string" }, table]
  }
}

/** The schema of one `[stages.<id>]` table of this kind. */
export const stageTableSchema = (stage: StageDefinition): JsonSchema => {
  const params = stage.params
  const properties = (params["properties"] as Record<string, JsonSchema> | undefined) ?? {}
  const required = (params["required"] as ReadonlyArray<string> | undefined) ?? []
  const from = fromSchema(stage)
  return {
    ...params,
    type: "object",
    title: stage.uses,
    description: stage.description,
    properties: {
      uses: { const: stage.uses, description: stage.description },
      ...(from ? { from } : {}),
      ...properties
    },
    required: ["uses", ...required],
    "x-inputs": stage.inputs,
    "x-output": stage.output
  }
}

export const stageSchemaFile = (stage: StageDefinition): JsonSchema => ({
  $schema: schemaDialect,
  ...stageTableSchema(stage)
})

export const pipelineSchemaFile = (registry: StageRegistry): JsonSchema => {
  const stages = registry.list()
  const entry: JsonSchema =
    stages.length === 0
      ? { type: "object", required: ["uses"], properties: { uses: { type: "string", description: "The stage kind." } } }
      : {
          type: "object",
          required: ["uses"],
          discriminator: { propertyName: "uses" },
          oneOf: stages.map(stageTableSchema)
        }
  return {
    $schema: schemaDialect,
    title: "audioml pipeline",
    description: "One audioml pipeline: a graph of cached stages. See the README, section \"Config grammar\".",
    type: "object",
    additionalProperties: false,
    properties: topLevelProperties({ type: "object", description: "The pipeline's stages, by id.", additionalProperties: entry })
  }
}

/** Every schema file with its path relative to schemas/, as the text written to disk. */
export const schemaFiles = (registry: StageRegistry): Map<string, string> => {
  const text = (s: JsonSchema) => `${JSON.stringify(s, null, 2)}\n`
  const files = new Map<string, string>()
  files.set("pipeline.schema.json", text(pipelineSchemaFile(registry)))
  for (const stage of registry.list()) files.set(`stages/${stage.uses}.schema.json`, text(stageSchemaFile(stage)))
  return files
}

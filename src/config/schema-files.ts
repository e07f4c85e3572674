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
  const { properties: props, required: req, description: _own, ...rest } = stage.params
  const properties = (props as Record<string, JsonSchema> | undefined) ?? {}
  const required = (req as ReadonlyArray<string> | undefined) ?? []
  const from = fromSchema(stage)
  return {
    title: stage.uses,
    description: stage.description,
    ...rest,
    type: "object",
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
  return hoistShared({
    $schema: schemaDialect,
    title: "audioml pipeline",
    description: "One audioml pipeline: a graph of cached stages. See the README, section \"Config grammar\".",
    type: "object",
    additionalProperties: false,
    properties: topLevelProperties({ type: "object", description: "The pipeline's stages, by id.", additionalProperties: entry })
  })
}

/** Subschemas smaller than this stay inline even when repeated. */
const minShared = 1000

/**
 * Several stage kinds embed the same big subschemas (the effect list appears in
 * effects.chain, augment, ...). Each one repeated in the pipeline schema is written once
 * under $defs and referenced, named after its `uses` when it is a tagged-union branch.
 */
const hoistShared = (schema: JsonSchema): JsonSchema => {
  const counts = new Map<string, number>()
  const count = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(count)
    else if (v !== null && typeof v === "object") {
      const key = JSON.stringify(v)
      if (key.length >= minShared) counts.set(key, (counts.get(key) ?? 0) + 1)
      Object.values(v).forEach(count)
    }
  }
  count(schema)
  const defs: Record<string, unknown> = {}
  const nameOf = new Map<string, string>()
  const replace = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => replace(x, false))
    if (v === null || typeof v !== "object") return v
    const key = JSON.stringify(v)
    if (!top && (counts.get(key) ?? 0) >= 2) {
      let name = nameOf.get(key)
      if (name === undefined) {
        const o = v as Record<string, any>
        const base = String(o["properties"]?.["uses"]?.["const"] ?? o["title"] ?? "shared")
        name = base
        for (let k = 2; name in defs; k++) name = `${base}-${k}`
        nameOf.set(key, name)
        defs[name] = null // reserve the name before recursing
        defs[name] = replace(v, true)
      }
      return { $ref: `#/$defs/${name.replace(/~/g, "~0").replace(/\//g, "~1")}` }
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x, false)]))
  }
  const body = replace(schema, true) as Record<string, unknown>
  return Object.keys(defs).length === 0 ? body : { ...body, $defs: defs }
}

/** Every schema file with its path relative to schemas/, as the text written to disk. */
export const schemaFiles = (registry: StageRegistry): Map<string, string> => {
  const text = (s: JsonSchema) => `${JSON.stringify(s, null, 2)}\n`
  const files = new Map<string, string>()
  files.set("pipeline.schema.json", text(pipelineSchemaFile(registry)))
  for (const stage of registry.list()) files.set(`stages/${stage.uses}.schema.json`, text(stageSchemaFile(stage)))
  return files
}

import type { StageRegistry } from "../engine/registry.js"
import type { StageDefinition } from "../engine/stage.js"
import type { JsonSchema } from "../params/schema.js"
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
  const stages = registry.sorted()
  const entry: JsonSchema =
    stages.length === 0
      ? { type: "object", required: ["uses"], properties: { uses: { type: "string", description: "The stage kind." } } }
      : {
          type: "object",
          required: ["uses"],
          discriminator: { propertyName: "uses" },
          oneOf: stages.map(stageTableSchema)
        }
  const removal: JsonSchema = { const: false, description: "Remove this stage, inherited from the `extends` base." }
  return hoistShared({
    $schema: schemaDialect,
    title: "audioml pipeline",
    description: "One audioml pipeline: a graph of cached stages. See the README, section \"Config grammar\".",
    type: "object",
    additionalProperties: false,
    properties: topLevelProperties({ type: "object", description: "The pipeline's stages, by id.", additionalProperties: { anyOf: [entry, removal] } })
  })
}

/** Subschemas smaller than this stay inline even when repeated. */
const minShared = 1000

/** Keywords whose value is a map of name → schema, a list of schemas, or one schema. */
const schemaMaps = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"])
const schemaLists = new Set(["oneOf", "anyOf", "allOf", "prefixItems"])
const schemaValues = new Set(["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems"])

/** Calls `f` on each subschema directly inside `schema`, with a name hint (the property name, if any). */
const eachChild = (schema: Record<string, unknown>, f: (child: unknown, hint: string | undefined) => unknown): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(schema).map(([k, v]) => {
      if (schemaMaps.has(k) && v !== null && typeof v === "object" && !Array.isArray(v)) {
        return [k, Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, f(sub, name)]))]
      }
      if (schemaLists.has(k) && Array.isArray(v)) return [k, v.map((sub) => f(sub, undefined))]
      if (schemaValues.has(k)) return [k, f(v, undefined)]
      return [k, v]
    })
  )

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v)

/**
 * Several stage kinds embed the same big subschemas (the effect list appears in
 * effects.chain, augment, ...). Each one repeated in the pipeline schema is written once
 * under $defs and referenced, named after its `uses` (tagged-union branches) or the
 * property it first appears under.
 */
const hoistShared = (schema: JsonSchema): JsonSchema => {
  const counts = new Map<string, number>()
  const count = (v: unknown): unknown => {
    if (!isObject(v)) return v
    const key = JSON.stringify(v)
    if (key.length >= minShared) counts.set(key, (counts.get(key) ?? 0) + 1)
    eachChild(v, count)
    return v
  }
  count(schema)
  const defs: Record<string, unknown> = {}
  const nameOf = new Map<string, string>()
  const replace = (v: unknown, hint: string | undefined, top = false): unknown => {
    if (!isObject(v)) return v
    const key = JSON.stringify(v)
    if (!top && (counts.get(key) ?? 0) >= 2) {
      let name = nameOf.get(key)
      if (name === undefined) {
        const uses = (v["properties"] as Record<string, Record<string, unknown>> | undefined)?.["uses"]?.["const"]
        const base = String(uses ?? hint ?? v["title"] ?? "shared")
        name = base
        for (let k = 2; name in defs; k++) name = `${base}-${k}`
        nameOf.set(key, name)
        defs[name] = null // reserve the name before recursing
        defs[name] = replace(v, hint, true)
      }
      return { $ref: `#/$defs/${name.replace(/~/g, "~0").replace(/\//g, "~1")}` }
    }
    return eachChild(v, (child, h) => replace(child, h ?? hint))
  }
  const body = replace(schema, undefined, true) as Record<string, unknown>
  return Object.keys(defs).length === 0 ? body : { ...body, $defs: defs }
}

/** Every schema file with its path relative to schemas/, as the text written to disk. */
export const schemaFiles = (registry: StageRegistry): Map<string, string> => {
  const text = (s: JsonSchema) => `${JSON.stringify(s, null, 2)}\n`
  const files = new Map<string, string>()
  files.set("pipeline.schema.json", text(pipelineSchemaFile(registry)))
  for (const stage of registry.sorted()) files.set(`stages/${stage.uses}.schema.json`, text(stageSchemaFile(stage)))
  return files
}

import { Ajv2020 } from "ajv/dist/2020.js"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { pipelineSchemaFile, schemaFiles, stageSchemaFile } from "../../src/config/schema-files.js"
import { StageRegistry } from "../../src/engine/registry.js"
import { builtinStages } from "../../src/stages/registry.js"
import { chainStage, sourceStage, testRegistry } from "./test-stages.js"

const schemasDir = join(import.meta.dirname, "..", "..", "schemas")

describe("schema files", () => {
  test("the committed files under schemas/ match the live stage registry", () => {
    const expected = schemaFiles(new StageRegistry(builtinStages))
    const stale: string[] = []
    for (const [path, text] of expected) {
      const file = join(schemasDir, path)
      if (!existsSync(file)) stale.push(`${path} (missing)`)
      else if (readFileSync(file, "utf8") !== text) stale.push(`${path} (out of date)`)
    }
    for (const name of existsSync(join(schemasDir, "stages")) ? readdirSync(join(schemasDir, "stages")) : []) {
      if (!expected.has(`stages/${name}`)) stale.push(`stages/${name} (no such stage kind)`)
    }
    expect(stale, `schemas/ is stale — run \`npm run schemas\` and commit the result:\n  ${stale.join("\n  ")}`).toEqual([])
  })

  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: false })

  test("pipeline.schema.json validates whole configs, with stage tables discriminated by uses", () => {
    const validate = ajv.compile(pipelineSchemaFile(testRegistry()))
    const good = {
      name: "x",
      seed: 1,
      stages: {
        dry: { uses: "test.source", clips: 3, gain_db: { uniform: [-6, 6] } },
        wet: { uses: "test.chain", from: "dry", chain: [{ uses: "fx.drive", drive_db: 6 }] },
        pair: { uses: "test.pair", from: { input: "dry", target: "wet" } }
      },
      sweep: { "stages.dry.clips": [1, 2] }
    }
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true)
    for (const bad of [
      { sed: 1, stages: {} },
      { stages: { dry: { uses: "test.source", clip: 3 } } },
      { stages: { dry: { uses: "test.nope" } } },
      { stages: { dry: { uses: "test.source", from: "x" } } },
      { stages: { pair: { uses: "test.pair", from: { input: "a", targte: "b" } } } },
      { stages: { wet: { uses: "test.chain", chain: [{ uses: "fx.drive", drive_db: 99 }] } } }
    ]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false)
    }
  })

  test("a stage file describes the whole [stages.<id>] table: uses, from (when the kind has inputs) and params", () => {
    const source = stageSchemaFile(sourceStage) as Record<string, any>
    expect(source["$schema"]).toBe("https://json-schema.org/draft/2020-12/schema")
    expect(source["title"]).toBe("test.source")
    expect(source["properties"]["uses"]).toMatchObject({ const: "test.source" })
    expect(source["properties"]["from"]).toBeUndefined()
    expect(source["required"]).toEqual(["uses"])
    expect(source["properties"]["clips"]).toEqual(sourceStage.params["properties"] && (sourceStage.params["properties"] as any)["clips"])
    const chain = stageSchemaFile(chainStage) as Record<string, any>
    expect(Object.keys(chain["properties"])).toEqual(["uses", "from", "chain"])
    const validate = ajv.compile(chain)
    expect(validate({ uses: "test.chain", from: "dry" })).toBe(true)
    expect(validate({ uses: "test.chain", from: { audio: "dry" } })).toBe(true)
    expect(validate({ uses: "test.chain", from: { audoi: "dry" } })).toBe(false)
  })

  test("one file per registered kind, plus pipeline.schema.json", () => {
    const files = schemaFiles(testRegistry())
    expect([...files.keys()].sort()).toEqual(
      ["pipeline.schema.json", ...["test.chain", "test.mix", "test.model", "test.pair", "test.source"].map((u) => `stages/${u}.schema.json`)].sort()
    )
    for (const text of files.values()) expect(text.endsWith("}\n")).toBe(true)
    // With no kinds registered the pipeline schema still compiles (no empty oneOf).
    expect(() => ajv.compile(pipelineSchemaFile(new StageRegistry()))).not.toThrow()
    expect(() => ajv.compile(pipelineSchemaFile(new StageRegistry(builtinStages)))).not.toThrow()
  })
})

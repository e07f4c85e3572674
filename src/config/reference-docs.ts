import type { StageDefinition } from "../engine/stage.js"
import { chainItemSchema } from "../effects/chain.js"
import { effectCatalog } from "../effects/registry.js"
import { cell, renderParamTable } from "../params/docs.js"
import { builtinStages } from "../stages/registry.js"

/**
 * The README's reference sections, generated from the stage and effect schemas (the single
 * source of truth) so the README cannot drift from the code: `npm run docs` rewrites the
 * marked blocks, and a test fails when they are stale.
 */

type Schema = Record<string, unknown>
const asSchema = (v: unknown): Schema => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Schema) : {})

/** The `{ uses = ... }` variants of a tagged-union schema (directly or as array items). */
const taggedVariants = (schema: unknown): Schema[] => {
  const s = asSchema(schema)
  const union = s["type"] === "array" ? asSchema(s["items"]) : s
  if (union["discriminator"] === undefined || !Array.isArray(union["oneOf"])) return []
  return (union["oneOf"] as unknown[]).map(asSchema)
}

const usesOf = (variant: Schema): string => String(asSchema(asSchema(variant["properties"])["uses"])["const"] ?? "?")

const effectNames = (): string => effectCatalog.list.map((d) => d.uses).join("\n")

/** Whether tagged variants are exactly the effect library (a chain schema). */
const isEffectChain = (variants: ReadonlyArray<Schema>): boolean => variants.map(usesOf).join("\n") === effectNames()

const portText = (stage: StageDefinition): string => {
  const ports = Object.entries(stage.inputs).map(
    ([port, spec]) => `\`${port}\` (${spec.kinds.join(" or ")}${spec.optional ? ", optional" : ""})`
  )
  const output = typeof stage.output === "string" ? stage.output : `same kind as \`${stage.output.sameAs}\``
  return `Inputs: ${ports.length === 0 ? "none" : ports.join(", ")}. Output: ${output}.`
}

const renderStage = (stage: StageDefinition, seen: Set<string>): string => {
  const params = asSchema(stage.params)
  const props = asSchema(params["properties"])
  const out = [`### \`${stage.uses}\``, "", cell(stage.description), "", portText(stage), ""]
  out.push(Object.keys(props).length === 0 ? "No parameters." : renderParamTable(props, (params["required"] as string[]) ?? []))
  for (const [name, schema] of Object.entries(props)) {
    const variants = taggedVariants(schema)
    if (variants.length === 0) continue
    // an effect chain (effects.chain's `chain`, the style stages' chains): one pointer, not the library again
    if (isEffectChain(variants)) {
      out.push("", `Each \`${name}\` item is one effect of the [effect library](#effect-library), with the common \`mix\`.`)
      continue
    }
    out.push("", `\`${name}\` items (\`{ uses = "...", ... }\`):`)
    for (const variant of variants) {
      const uses = usesOf(variant)
      const anchor = `${stage.uses}.${name}.${uses}`
      if (seen.has(anchor)) continue
      seen.add(anchor)
      const vProps = asSchema(variant["properties"])
      out.push("", `#### \`${name}\`: \`${uses}\``, "")
      if (typeof variant["description"] === "string") out.push(cell(variant["description"]), "")
      out.push(Object.keys(vProps).filter((k) => k !== "uses").length === 0 ? "No parameters." : renderParamTable(vProps, (variant["required"] as string[]) ?? []))
    }
  }
  return out.join("\n")
}

export const renderStageReference = (stages: ReadonlyArray<StageDefinition> = builtinStages): string => {
  const seen = new Set<string>()
  const index = ["| Stage | Inputs → output | What it does |", "|---|---|---|"]
  for (const s of stages) {
    const inputs = Object.values(s.inputs).map((p) => p.kinds.join("/")).join(", ") || "—"
    const output = typeof s.output === "string" ? s.output : `as ${s.output.sameAs}`
    index.push(`| \`${s.uses}\` | ${inputs} → ${output} | ${cell(s.description.split(/(?<!e\.g|i\.e)\.\s+(?=[A-Z])/)[0]!)} |`)
  }
  return [index.join("\n"), ...stages.map((s) => renderStage(s, seen))].join("\n\n") + "\n"
}

export interface GeneratedBlock {
  readonly name: string
  readonly render: () => string
}

export const generatedBlocks: ReadonlyArray<GeneratedBlock> = [
  { name: "stage reference", render: () => renderStageReference() },
  { name: "effect library", render: () => effectCatalog.docs({ title: "Effect", extend: chainItemSchema }) }
]

const begin = (name: string) => `<!-- BEGIN GENERATED: ${name} (npm run docs) -->`
const end = (name: string) => `<!-- END GENERATED: ${name} -->`

/** The README with every generated block replaced by its fresh rendering. */
export const refreshReadme = (readme: string): string => {
  let out = readme
  for (const block of generatedBlocks) {
    const a = out.indexOf(begin(block.name))
    const b = out.indexOf(end(block.name))
    if (a < 0 || b < a) throw new Error(`README.md has no "${begin(block.name)}" … "${end(block.name)}" block`)
    out = out.slice(0, a) + begin(block.name) + "\n\n" + block.render() + "\n" + out.slice(b)
  }
  return out
}

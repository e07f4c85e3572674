import { Catalog } from "../../params/catalog.js"
import { array, number, object } from "../../params/schema.js"
import { weightParam } from "./common-params.js"
import { drawParams } from "../../params/draw.js"
import { itemLabelPrefixes } from "../../params/labels.js"
import type { RenderContext, SyntheticGenerator } from "./generator.js"
import { ParameterError } from "../../errors/audioml-error.js"

/** Draw one generator's params, label them under `prefix`, and render it into `out`. */
export const renderGenerator = (
  generator: SyntheticGenerator,
  item: Readonly<Record<string, unknown>>,
  out: Float32Array,
  ctx: RenderContext,
  prefix: string
): void => {
  const { uses: _uses, ...rest } = item
  const { value } = drawParams(generator.params, rest, ctx.rng.fork("params"), { skip: generator.drawSkip ?? [] })
  for (const [key, v] of Object.entries(value)) {
    if (key === "weight" || (generator.drawSkip ?? []).includes(key)) continue
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") ctx.label(`${prefix}.${key}`, v)
  }
  generator.render(value, out, { ...ctx, rng: ctx.rng.fork("render"), label: (key, v) => ctx.label(`${prefix}.${key}`, v) })
}

/** `mix`: a weighted sum of other generators, rendered from independent streams. */
export const mixGenerator = (children: ReadonlyArray<SyntheticGenerator>): SyntheticGenerator => {
  const catalog = new Catalog(children, { kind: "generator", schemaOf: (g) => g.params })
  return {
    uses: "mix",
    description: "A weighted sum of other generators (labels gen.mix.<uses>.<param>)",
    drawSkip: ["generators"],
    params: object(
      {
        weight: weightParam,
        generators: catalog.listSchema({ description: "The generators to sum", minItems: 1 }),
        weights: array(number({ description: "Gain of the generator at the same index", minimum: 0 }), {
          description: "Gain per generator, in order; empty = each generator's own `weight`",
          default: []
        })
      },
      { required: ["generators"] }
    ),
    render: (p, out, ctx) => {
      const items = p["generators"] as ReadonlyArray<Record<string, unknown>>
      const weights = p["weights"] as ReadonlyArray<number>
      if (weights.length > 0 && weights.length !== items.length) {
        throw new ParameterError({ parameter: "mix", message: `mix has ${items.length} generators but ${weights.length} weights` })
      }
      const prefixes = itemLabelPrefixes(items.map((i) => String(i["uses"])))
      items.forEach((item, i) => {
        const g = catalog.require(String(item["uses"]), `generators[${i}].uses`)
        const w = weights.length > 0 ? weights[i]! : ((item["weight"] as number | undefined) ?? 1)
        ctx.label(`${prefixes[i]}.weight`, w)
        const buf = new Float32Array(out.length)
        renderGenerator(g, item, buf, { ...ctx, rng: ctx.rng.fork(i) }, prefixes[i]!)
        for (let j = 0; j < out.length; j++) out[j]! += w * buf[j]!
      })
    }
  }
}

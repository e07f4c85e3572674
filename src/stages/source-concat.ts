import type { StageDefinition } from "../engine/stage.js"
import type { Rng } from "../params/rng.js"
import { integer, number, object, record, string } from "../params/schema.js"
import { DATASET_KINDS, assertUniqueIds, decodeDataset, encodeDataset, itemSignals, rebuildItem, withItems, type Dataset, type Item } from "./dataset-items.js"
import { syncStage } from "./stage-effect.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"

export const CONCAT_PORTS = ["first", "second", "third", "fourth"] as const

export interface ConcatParams {
  readonly weights?: Readonly<Record<string, number>>
  readonly size?: number
  readonly prefix?: Readonly<Record<string, string>>
  readonly label: string
}

/** Split `total` into integer counts proportional to `weights` (largest remainder; ties to the earlier port). */
export const proportionalCounts = (total: number, weights: ReadonlyArray<number>): number[] => {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (total * w) / sum)
  const counts = exact.map(Math.floor)
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i)
  for (let k = 0, left = total - counts.reduce((a, b) => a + b, 0); k < left; k++) counts[order[k]!.i]!++
  return counts
}

/**
 * `count` item indices out of n, drawn with the rng: whole passes over all items when
 * count > n (repeat r of an item gets id suffix `~r`), then a random subset, in source order.
 */
const pickIndices = (n: number, count: number, rng: Rng): Array<{ index: number; repeat: number }> => {
  const out: Array<{ index: number; repeat: number }> = []
  const rounds = Math.floor(count / n)
  for (let r = 0; r < rounds; r++) for (let i = 0; i < n; i++) out.push({ index: i, repeat: r })
  const rest = count - rounds * n
  if (rest > 0) {
    const chosen = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, rest).sort((a, b) => a - b)
    for (const i of chosen) out.push({ index: i, repeat: rounds })
  }
  return out.sort((a, b) => a.repeat - b.repeat || a.index - b.index)
}

export const sourceConcat: StageDefinition<ConcatParams> = {
  uses: "source.concat",
  version: 1,
  description:
    "Combine two to four AudioSets (or PairedAudioSets) — e.g. real recordings and synthetic clips — into one, optionally " +
    "sampling them in proportion to `weights` up to `size` items (deterministic from the stage seed). Ids get a per-source " +
    "prefix (<prefix>/<id>) and each item a `source` label.",
  params: object({
    weights: record(number({ description: "Relative weight", minimum: 0, distribution: false }), {
      description:
        "Relative share per port, e.g. { first = 0.3, second = 0.7 }. Default: proportional to the inputs' sizes. With weights but no size, the largest set that repeats no item."
    }),
    size: integer({ description: "Number of items out; sources smaller than their share repeat items (ids <id>~<r>). Default: see weights.", minimum: 1, distribution: false }),
    prefix: record(string({ description: "Prefix", minLength: 1 }), {
      description: "Id prefix and `source` label value per port, e.g. { first = \"real\", second = \"synth\" }. Default: the port name."
    }),
    label: string({ description: "Name of the label that says which input an item came from.", default: "source", minLength: 1 })
  }),
  inputs: {
    first: { kinds: DATASET_KINDS, description: "First set" },
    second: { kinds: DATASET_KINDS, description: "Second set" },
    third: { kinds: DATASET_KINDS, optional: true, description: "Third set (optional)" },
    fourth: { kinds: DATASET_KINDS, optional: true, description: "Fourth set (optional)" }
  },
  output: { sameAs: "first" },
  run: (params, inputs, ctx) =>
    syncStage(ctx, () => {
      const ports = CONCAT_PORTS.filter((p) => inputs[p] !== undefined)
      for (const key of Object.keys(params.weights ?? {}))
        if (!ports.includes(key as (typeof CONCAT_PORTS)[number])) throw new ParameterError({ parameter: `weights.${key}`, message: `source.concat: weights.${key}: no input is connected to port "${key}" (connected: ${ports.join(", ")})` })
      for (const key of Object.keys(params.prefix ?? {}))
        if (!ports.includes(key as (typeof CONCAT_PORTS)[number])) throw new ParameterError({ parameter: `prefix.${key}`, message: `source.concat: prefix.${key}: no input is connected to port "${key}"` })
      const sets: Dataset[] = ports.map((p) => decodeDataset(inputs[p]!))
      const kind = sets[0]!.kind
      sets.forEach((s, i) => {
        if (s.kind !== kind) throw new DataError({ message: `source.concat: port ${ports[i]} is a ${s.kind} but port first is a ${kind}; all inputs must be the same kind` })
        if (s.items.length === 0) throw new DataError({ message: `source.concat: the input on port ${ports[i]} is empty` })
      })
      const sizes = sets.map((s) => s.items.length)
      const weights = params.weights === undefined ? sizes : ports.map((p) => {
        const w = params.weights![p]
        if (w === undefined) throw new ParameterError({ parameter: "weights", message: `source.concat: weights has no entry for port "${p}" (give one per connected input)` })
        return w
      })
      if (weights.every((w) => w === 0)) throw new ParameterError({ parameter: "weights", message: "source.concat: all weights are 0" })
      const sumW = weights.reduce((a, b) => a + b, 0)
      const total =
        params.size ??
        (params.weights === undefined
          ? sizes.reduce((a, b) => a + b, 0)
          : Math.floor(Math.min(...sizes.map((n, i) => (weights[i]! > 0 ? (n * sumW) / weights[i]! : Infinity))) + 1e-9))
      const counts = proportionalCounts(total, weights)
      const rng = ctx.rng()
      const items: Item[] = []
      const rates = new Set<number>()
      ports.forEach((port, i) => {
        const prefix = params.prefix?.[port] ?? port
        const source = sets[i]!.items
        for (const { index, repeat } of pickIndices(source.length, counts[i]!, rng.fork(port))) {
          const item = source[index]!
          for (const s of itemSignals(item)) rates.add(s.sampleRate)
          items.push(
            rebuildItem(item, {
              id: `${prefix}/${item.id}${repeat > 0 ? `~${repeat}` : ""}`,
              labels: { ...item.labels, [params.label]: prefix }
            })
          )
        }
      })
      if (rates.size > 1) ctx.warn(`source.concat: the inputs have different sample rates (${[...rates].join(", ")} Hz)`)
      assertUniqueIds(items, "source.concat")
      ctx.report({ total: items.length, per_input: Object.fromEntries(ports.map((p, i) => [p, { available: sizes[i], used: counts[i] }])) })
      return encodeDataset(withItems(sets[0]!, items))
    })
}

import type { StageDefinition } from "../engine/stage.js"
import { integer, number, object, oneOf, string } from "../params/schema.js"
import { monoSignal } from "../dsp/signal.js"
import { normalisePeak } from "../audio/generators/level.js"
import { AudioSetWriter } from "./artifacts/audio-set.js"
import type { LabelValue } from "../params/labels.js"
import { syncStage } from "./stage-effect.js"
import { drawParams } from "../params/draw.js"
import { generatorCatalog } from "../synth/generators/generators.js"
import { renderGenerator } from "../synth/generators/mix.js"
import { itemLabelPrefixes } from "../params/labels.js"
import { ParameterError, withContext } from "../errors/audioml-error.js"

/** The project's guitar-like DI default: single plucked notes and strummed chords. */
export const guitarDiGenerators = [
  {
    uses: "pluck",
    weight: 1,
    notes: { uniform: [1, 4] },
    onsets: "random",
    note_low: 40,
    note_high: 76,
    key: { choice: ["E", "A", "D", "G", "C"] },
    scale: { choice: ["minor_pentatonic", "major", "minor"] },
    decay: { uniform: [1, 4] },
    brightness: { uniform: [0.35, 0.9] },
    pick_position: { uniform: [0.08, 0.3] }
  },
  {
    uses: "chords",
    weight: 1,
    chords: { uniform: [1, 2] },
    key: { choice: ["E", "A", "D", "G", "C"] },
    mode: { choice: ["major", "minor"] },
    kind: { choice: ["triad", "seventh"] },
    strum: { uniform: [0.008, 0.03] },
    direction: { choice: ["down", "up"] },
    decay: { uniform: [1.5, 4] },
    brightness: { uniform: [0.35, 0.8] },
    pick_position: { uniform: [0.08, 0.3] }
  }
] as const

const params = object({
  clips: integer({ description: "Number of clips", minimum: 1, maximum: 1_000_000, default: 16, distribution: false }),
  seconds: number({ description: "Clip length (a distribution gives clips of varying length)", exclusiveMinimum: 0, maximum: 3600, default: 2, unit: "s" }),
  sample_rate: integer({ description: "Sample rate of the clips", minimum: 8000, maximum: 384000, default: 44100, unit: "Hz", distribution: false }),
  generators: generatorCatalog.listSchema({ description: "Generators, each { uses = \"pluck\", ... }; see `select`", minItems: 1, default: guitarDiGenerators }),
  select: oneOf(["one", "all"], {
    description: "one: each clip picks one generator, with probability ∝ its weight; all: every clip sums all generators, each scaled by its weight",
    default: "one"
  }),
  level_db: number({ description: "Peak-normalise every clip to this level (unset = leave the generators' own levels)", minimum: -100, maximum: 0, unit: "dBFS" }),
  id_prefix: string({ description: "Clip ids are <id_prefix>-00000, <id_prefix>-00001, ...", default: "synth", pattern: "^[A-Za-z0-9._-]+$" })
})

interface SyntheticParams {
  readonly clips: number
  readonly seconds: unknown
  readonly sample_rate: number
  readonly generators: ReadonlyArray<Record<string, unknown>>
  readonly select: "one" | "all"
  readonly level_db?: unknown
  readonly id_prefix: string
}

export const sourceSynthetic: StageDefinition<SyntheticParams> = {
  uses: "source.synthetic",
  version: 3,
  description:
    "Synthetic audio clips from generators (sine, sweep, noise, impulse, pluck, note, chords, mix); every generator parameter, drawn or constant, is stored as a label gen.<uses>.<param>",
  params,
  inputs: {},
  output: "AudioSet",
  run: (raw, _inputs, ctx) =>
    syncStage(ctx, () => {
      const p = raw
      const sampleRate = p.sample_rate
      p.generators.forEach((item, i) => generatorCatalog.require(String(item["uses"]), `generators[${i}].uses`))
      const weights = p.generators.map((g) => (g["weight"] as number | undefined) ?? 1)
      const total = weights.reduce((a, b) => a + b, 0)
      if (p.select === "one" && !(total > 0)) throw new ParameterError({ parameter: "generators", message: "generators: the weights add up to 0, so no generator can be picked" })
      const prefixes = itemLabelPrefixes(p.generators.map((g) => String(g["uses"])))
      const width = Math.max(5, String(p.clips - 1).length)
      const root = ctx.rng()
      const clips = new AudioSetWriter(ctx.scratchDir) // one clip in memory at a time
      ctx.progress.start(p.clips, "clips")
      for (let c = 0; c < p.clips; c++) {
        const rng = root.fork(c)
        const { value: top } = drawParams(params, { seconds: p.seconds, ...(p.level_db !== undefined ? { level_db: p.level_db } : {}) }, rng.fork("clip"))
        const seconds = top["seconds"] as number
        const out = new Float32Array(Math.max(1, Math.round(seconds * sampleRate)))
        const labels: Record<string, LabelValue> = { seconds: out.length / sampleRate }
        const label = (key: string, v: LabelValue) => {
          labels[`gen.${key}`] = v
        }
        const renderAt = (index: number, prefix: string, target: Float32Array) => {
          const item = p.generators[index]!
          const generator = generatorCatalog.require(String(item["uses"]))
          try {
            renderGenerator(generator, item, target, { sampleRate, seconds: out.length / sampleRate, rng: rng.fork(`gen${index}`), label }, prefix)
          } catch (e) {
            throw withContext(e, `generators[${index}] (${generator.uses})`)
          }
        }
        if (p.select === "one") {
          let r = rng.fork("select").next() * total
          let index = 0
          while (index < weights.length - 1 && r >= weights[index]!) r -= weights[index++]!
          labels["gen.uses"] = String(p.generators[index]!["uses"])
          labels["gen.index"] = index
          renderAt(index, String(p.generators[index]!["uses"]), out)
        } else {
          p.generators.forEach((_, index) => {
            const buf = new Float32Array(out.length)
            renderAt(index, prefixes[index]!, buf)
            const w = weights[index]!
            for (let i = 0; i < out.length; i++) out[i]! += w * buf[i]!
          })
        }
        if (top["level_db"] !== undefined) {
          labels["level_db"] = top["level_db"] as number
          normalisePeak(out, top["level_db"] as number)
        }
        clips.add({ id: `${p.id_prefix}-${String(c).padStart(width, "0")}`, audio: monoSignal(sampleRate, out), labels })
        ctx.progress.update(c + 1)
      }
      return clips.finish()
    }),
  estimateOutputBytes: (p) => {
    const seconds = upperBound(p.seconds, 3600)
    const rate = p.sample_rate ?? 44100
    return { bytes: p.clips * seconds * rate * 4, detail: `${p.clips} clips × ${seconds} s × ${rate} Hz × 4 bytes (32-bit float, mono)` }
  }
}

/** The largest value a constant or distribution can give (`cap`, the schema maximum, for unbounded ones). */
const upperBound = (v: unknown, cap: number): number => {
  if (typeof v === "number") return v
  const d = v as Record<string, unknown>
  const pair = (d?.["uniform"] ?? d?.["log_uniform"]) as ReadonlyArray<number> | undefined
  if (Array.isArray(pair)) return Math.min(cap, Math.max(...pair))
  if (Array.isArray(d?.["choice"])) return Math.min(cap, Math.max(...(d["choice"] as unknown[]).filter((x): x is number => typeof x === "number")))
  return cap
}

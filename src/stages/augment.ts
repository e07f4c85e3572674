import type { Artifact } from "../engine/artifact.js"
import type { StageDefinition } from "../engine/stage.js"
import type { Signal } from "../dsp/signal.js"
import type { Rng } from "../params/rng.js"
import { AUDIO_SET, AudioSetWriter, openAudioSet } from "./artifacts/audio-set.js"
import { PAIRED_AUDIO_SET, PairedAudioSetWriter, openPairedAudioSet } from "./artifacts/paired-audio-set.js"
import type { LabelValue } from "../params/labels.js"
import { syncStage } from "./stage-effect.js"
import { drawParams } from "../params/draw.js"
import { itemLabelPrefixes } from "../params/labels.js"
import { augmentCatalog } from "../augment/steps.js"
import type { ApplyTo, AugmentStep } from "../augment/step.js"
import { DataError, withContext, ParameterError } from "../errors/audioml-error.js"

const params = {
  type: "object",
  additionalProperties: false,
  required: ["steps"],
  properties: {
    steps: augmentCatalog.listSchema(
      { description: "Augmentation steps, applied in order, each { uses = \"<step>\", p = ..., apply_to = ..., <params> }", minItems: 0 }
    )
  }
}

interface PreparedStep {
  readonly index: number
  readonly step: AugmentStep<unknown>
  readonly params: Readonly<Record<string, unknown>>
  readonly prefix: string
  readonly prepared: unknown
}

const prepareSteps = (items: ReadonlyArray<Record<string, unknown>>, configDir: string): PreparedStep[] => {
  const prefixes = itemLabelPrefixes(items.map((i) => String(i["uses"])))
  return items.map((item, index) => {
    const where = `steps[${index}]`
    const step = augmentCatalog.require(String(item["uses"]), `${where}.uses`)
    const { uses: _uses, ...rest } = item
    const prepared = step.prepare?.(rest, { configDir, where }) // loads backgrounds, validates effects: once per run
    return { index, step, params: rest, prefix: `augment.${prefixes[index]}`, prepared }
  })
}

/**
 * Run every step on one clip or pair. Each step draws from its own stream
 * `rng.fork(stepIndex)`: whether it fires (p), its params, then its own values, in that
 * order, so one step's draws never shift another's. The draw is made once and the same
 * transform goes to every side the step applies to.
 */
const augmentOne = (
  steps: ReadonlyArray<PreparedStep>,
  rng: Rng,
  sides: { input: Signal; target: Signal | undefined },
  labels: Record<string, LabelValue>
): { input: Signal; target: Signal | undefined } => {
  let { input, target } = sides
  for (const s of steps) {
    const stepRng = rng.fork(s.index)
    const applied = stepRng.fork("p").next() < (s.params["p"] as number)
    labels[`${s.prefix}.applied`] = applied
    if (!applied) continue
    const where = `steps[${s.index}] (${s.step.uses})`
    try {
      const { value } = drawParams(s.step.params, s.params, stepRng.fork("params"))
      const applyTo = (target === undefined ? "both" : value["apply_to"]) as ApplyTo
      const reference = applyTo === "target" ? target! : input
      const draw = s.step.draw(value, reference, stepRng.fork("draw"), s.prepared)
      for (const [k, v] of Object.entries(draw.labels)) labels[`${s.prefix}.${k}`] = v
      if (applyTo !== "target") input = draw.apply(input)
      if (target !== undefined && applyTo !== "input") target = draw.apply(target)
    } catch (e) {
      throw withContext(e, `${where}`)
    }
  }
  return { input, target }
}

export const augmentStage: StageDefinition<{ steps: ReadonlyArray<Record<string, unknown>> }> = {
  uses: "augment",
  version: 3,
  description:
    "Seeded augmentation of an AudioSet or a PairedAudioSet: gain, polarity, noise, background, shift, crop, time_mask, filter (eq.*), clip, resample, reverse; each step with a probability p and, on pairs, apply_to input/target/both with one shared draw. Drawn values are labels augment.<step>.<param>",
  params,
  inputs: { audio: { kinds: [AUDIO_SET, PAIRED_AUDIO_SET], description: "The clips or dry/wet pairs to augment" } },
  // background recordings are read from disk: their content is part of the cache key
  externalPaths: (p) =>
    (p.steps as ReadonlyArray<{ uses: string; path?: unknown }>).flatMap((s) => (s.uses === "background" && typeof s.path === "string" ? [s.path] : [])),
  output: { sameAs: "audio" },
  run: (p, inputs, ctx) =>
    syncStage(ctx, (): Artifact => {
      const artifact = inputs["audio"]
      if (artifact === undefined) throw new DataError({ message: "the audio input is not connected" })
      const steps = prepareSteps(p.steps ?? [], ctx.configDir)
      const root = ctx.rng()
      if (artifact.kind === PAIRED_AUDIO_SET) {
        // one pair read, augmented and written at a time: memory does not grow with the set
        const refs = openPairedAudioSet(artifact)
        ctx.progress.start(refs.length, "pairs")
        const pairs = new PairedAudioSetWriter(ctx.scratchDir)
        refs.forEach((ref, i) => {
          const pair = ref.load()
          const labels: Record<string, LabelValue> = { ...pair.labels }
          let out
          try {
            out = augmentOne(steps, root.fork(pair.id), { input: pair.input, target: pair.target }, labels)
          } catch (e) {
            throw withContext(e, `pair ${pair.id}`)
          }
          ctx.progress.update(i + 1)
          pairs.add({ ...pair, input: out.input, target: out.target!, labels })
        })
        return pairs.finish()
      }
      if (artifact.kind !== AUDIO_SET) throw new DataError({ message: `augment takes an AudioSet or a PairedAudioSet, not a ${artifact.kind}` })
      const refs = openAudioSet(artifact)
      ctx.progress.start(refs.length, "clips")
      const clips = new AudioSetWriter(ctx.scratchDir)
      refs.forEach((ref, i) => {
        const clip = ref.load()
        const labels: Record<string, LabelValue> = { ...clip.labels }
        let out
        try {
          out = augmentOne(steps, root.fork(clip.id), { input: clip.audio, target: undefined }, labels)
        } catch (e) {
          throw withContext(e, `clip ${clip.id}`)
        }
        ctx.progress.update(i + 1)
        clips.add({ ...clip, audio: out.input, labels })
      })
      return clips.finish()
    })
}

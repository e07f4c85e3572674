import type { Signal } from "../dsp/signal.js"
import type { StageDefinition } from "../engine/stage.js"
import type { ExtractedFeatures } from "../features/extract.js"
import {
  FEATURE_FAMILIES,
  featureDescriptions,
  featureFamilySchemas,
  type FeatureParams
} from "../features/feature-params.js"
import { object, oneOf, type JsonSchema } from "../params/schema.js"
import { withDefaults } from "../params/values.js"
import { AUDIO_SET, decodeAudioSet } from "./artifacts/audio-set.js"
import { encodeFeatureSet, type FeatureInfo, type FeatureItem, type FeatureSource } from "./artifacts/feature-set.js"
import type { Split,} from "./artifacts/labels.js"
import type { Labels } from "../params/labels.js"
import { frameTimes } from "../dsp/stft.js"
import { decodePairedAudioSet, PAIRED_AUDIO_SET } from "./artifacts/paired-audio-set.js"
import { extractAll } from "./features/pool.js"
import { promiseStage } from "./stage-effect.js"
import { DataError } from "../errors/audioml-error.js"

/**
 * `features`: mel, MFCC, F0, loudness and descriptors of every clip (or of the input and/or
 * target of every pair) into a FeatureSet (see artifacts/feature-set.ts). A feature family
 * is computed when its sub-table is present (`mel = {}` = all defaults) and skipped when
 * absent; at least one is required. Clips are processed in a worker pool.
 */
export interface FeaturesStageParams extends FeatureParams {
  readonly on: "input" | "target" | "both"
}

export const featuresParamsSchema: JsonSchema = object({
  on: oneOf(["input", "target", "both"], {
    description: "For a PairedAudioSet: features of the dry input, the wet target, or both (ignored for an AudioSet)",
    default: "target"
  }),
  ...featureFamilySchemas
})

interface Job {
  readonly id: string
  readonly source: FeatureSource
  readonly split: Split | undefined
  readonly labels: Labels
  readonly signal: Signal
}

const jobsOf = (kind: string, artifact: Parameters<typeof decodeAudioSet>[0], on: FeaturesStageParams["on"]): Job[] => {
  if (kind === AUDIO_SET)
    return decodeAudioSet(artifact).clips.map((c) => ({ id: c.id, source: "audio", split: c.split, labels: c.labels, signal: c.audio }))
  if (kind === PAIRED_AUDIO_SET) {
    const jobs: Job[] = []
    for (const p of decodePairedAudioSet(artifact).pairs) {
      if (on !== "target") jobs.push({ id: p.id, source: "input", split: p.split, labels: p.labels, signal: p.input })
      if (on !== "input") jobs.push({ id: p.id, source: "target", split: p.split, labels: p.labels, signal: p.target })
    }
    return jobs
  }
  throw new DataError({ message: `input "audio" is a ${kind}; expected ${AUDIO_SET} or ${PAIRED_AUDIO_SET}` })
}

const toItem = (job: Job, r: ExtractedFeatures): FeatureItem => {
  const samples = job.signal.channels[0]?.length ?? 0
  const features: FeatureItem["features"] = Object.fromEntries(
    Object.entries(r.features).map(([name, f]) => [name, { ...f, times: frameTimes(f.frames, f.hop, r.sampleRate) }])
  )
  return {
    id: job.id,
    source: job.source,
    split: job.split,
    labels: job.labels,
    sampleRate: r.sampleRate,
    durationS: samples / r.sampleRate,
    features,
    scalars: r.scalars
  }
}

export const featuresStage: StageDefinition<FeaturesStageParams> = {
  uses: "features",
  version: 1,
  description:
    "Feature extraction per clip (librosa-compatible mel / MFCC, YIN / pYIN F0, A-weighted or BS.1770 loudness, " +
    "spectral descriptors) into a FeatureSet: float32 dims × frames NPY per feature with frame times and all parameters.",
  params: featuresParamsSchema,
  inputs: { audio: { kinds: [AUDIO_SET, PAIRED_AUDIO_SET], description: "clips, or dry/wet pairs (see `on`)" } },
  output: "FeatureSet",
  run: (rawParams, inputs, ctx) =>
    promiseStage(ctx, async () => {
      const params = withDefaults(featuresParamsSchema, rawParams) as FeaturesStageParams
      const selected = FEATURE_FAMILIES.filter((f) => params[f] !== undefined)
      if (selected.length === 0)
        throw new DataError({ message: `no feature selected: add at least one of ${FEATURE_FAMILIES.map((f) => `${f} = {}`).join(", ")} to the stage` })
      const artifact = inputs["audio"]
      if (artifact === undefined) throw new DataError({ message: `input "audio" is not connected` })
      const jobs = jobsOf(artifact.kind, artifact, params.on)
      const familyParams: FeatureParams = Object.fromEntries(selected.map((f) => [f, params[f]]))
      ctx.progress.start(jobs.length, "clips")
      const { results, threads } = await extractAll(
        jobs.map((j) => j.signal),
        familyParams,
        { onDone: (n) => ctx.progress.update(n) }
      )
      ctx.log(`features: ${selected.join(", ")} on ${jobs.length} clips (${threads} thread${threads === 1 ? "" : "s"})`)
      const descriptions = featureDescriptions(familyParams)
      const items = jobs.map((job, i) => toItem(job, results[i]!))
      const features: Record<string, FeatureInfo> = {}
      for (const item of items)
        for (const [name, f] of Object.entries(item.features))
          features[name] ??= { dims: f.dims, hop: f.hop, unit: descriptions[name]?.unit ?? "", description: descriptions[name]?.description ?? name }
      return encodeFeatureSet({ params, features, items })
    })
}

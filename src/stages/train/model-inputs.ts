/**
 * Dataset items → model inputs, shared by `train`, `evaluate` and `audioml process`:
 * conditioning values of an audio item, and the feature matrix of a feature item
 * (standardised with the training statistics stored in the model's meta).
 */
import { toMono } from "../../dsp/signal.js"
import type { Artifact } from "../../engine/artifact.js"
import type { Split } from "../artifacts/labels.js"
import { decodeFeatureSet, type FeatureItem, type FeatureMatrixData, type FeatureSet, type FeatureSource } from "../artifacts/feature-set.js"
import { labelValue, normaliseLabel, type LabelNorm } from "../../ml/model-meta.js"
import type { FeatureInputOptions } from "../../ml/feature-input.js"
import { decodeDataset, isPair, type Item } from "../dataset-items.js"
import { hashUnit, recordingOf } from "../dataset-split.js"
import { DataError } from "../../errors/audioml-error.js"

/** One dataset item as the ML stages see it: mono dry/wet audio (pairs) or just labels. */
export interface MlItem {
  readonly id: string
  readonly split?: Split | undefined
  readonly labels: Readonly<Record<string, unknown>>
  readonly sampleRate: number
  readonly input?: Float32Array
  readonly target?: Float32Array
}

export const mlItems = (dataset: Artifact): { items: MlItem[]; paired: boolean } => {
  const d = decodeDataset(dataset)
  const items = (d.items as ReadonlyArray<Item>).map((item): MlItem => {
    if (isPair(item)) {
      return { id: item.id, split: item.split, labels: item.labels, sampleRate: item.input.sampleRate, input: toMono(item.input), target: toMono(item.target) }
    }
    return { id: item.id, split: item.split, labels: item.labels, sampleRate: item.audio.sampleRate }
  })
  return { items, paired: d.kind === "PairedAudioSet" }
}

/**
 * Training and validation items. With splits: "train" items train and "val" items validate
 * ("test" items are never seen); without a "val" split, `valFraction` of the training
 * recordings (segments of one recording together) are held out by a hash of (seed, id).
 */
export const trainValItems = <T extends { readonly id: string; readonly split?: Split | undefined }>(
  items: ReadonlyArray<T>,
  seed: number,
  valFraction: number
): { train: T[]; val: T[]; heldOutBy: "split" | "hash" } => {
  const hasSplits = items.some((i) => i.split !== undefined)
  const pool = hasSplits ? items.filter((i) => i.split === undefined || i.split === "train") : [...items]
  const val = hasSplits ? items.filter((i) => i.split === "val") : []
  if (val.length > 0) return { train: pool, val, heldOutBy: "split" }
  const recordings = [...new Set(pool.map((i) => recordingOf(i.id)))].map((r) => ({ r, u: hashUnit(seed, r) })).sort((a, b) => a.u - b.u)
  if (recordings.length < 2) throw new DataError({ message: `need at least 2 training recordings to hold some out for validation (found ${recordings.length}); add a dataset.split stage or more clips` })
  const nVal = Math.min(recordings.length - 1, Math.max(1, Math.round(valFraction * recordings.length)))
  const held = new Set(recordings.slice(0, nVal).map((x) => x.r))
  return { train: pool.filter((i) => !held.has(recordingOf(i.id))), val: pool.filter((i) => held.has(recordingOf(i.id))), heldOutBy: "hash" }
}

/** The test items: split "test", or every item when the dataset has no splits. */
export const testItems = <T extends { readonly split?: Split | undefined }>(items: ReadonlyArray<T>, split: "test" | "val" | "train" | "all"): T[] => {
  if (split === "all" || !items.some((i) => i.split !== undefined)) return [...items]
  return items.filter((i) => i.split === split)
}

/** Normalised conditioning values of one item, in the model's order. */
export const conditionValues = (norms: ReadonlyArray<LabelNorm>, item: { readonly id: string; readonly labels: Readonly<Record<string, unknown>> }): Float32Array =>
  Float32Array.from(norms, (n) => normaliseLabel(n, labelValue(n, item.labels, item.id)))

// --- features ---------------------------------------------------------------------------


/**
 * `features.use` entries may name a source of PairedAudioSet features: "input.loudness",
 * "target.mel", or "target-input.mel", the frame-by-frame difference target − input (for dB
 * features a log ratio: the effect's level-independent transfer, e.g. gain per mel band).
 */
const QUALIFIED = /^(input|target|target-input)\.(.+)$/

/** Sources a qualified name reads. */
const sourcesOf = (prefix: string): FeatureSource[] => (prefix === "target-input" ? ["target", "input"] : [prefix as FeatureSource])

/** target − input, frame by frame, over the frames both have. */
const difference = (target: FeatureMatrixData, input: FeatureMatrixData, name: string, id: string): FeatureMatrixData => {
  if (target.dims !== input.dims || target.hop !== input.hop) throw new DataError({ message: `"target-input.${name}" of item "${id}": target and input features differ in shape` })
  const frames = Math.min(target.frames, input.frames)
  const data = new Float32Array(target.dims * frames)
  for (let d = 0; d < target.dims; d++) {
    for (let t = 0; t < frames; t++) data[d * frames + t] = target.data[d * target.frames + t]! - input.data[d * input.frames + t]!
  }
  return { data, dims: target.dims, frames, hop: target.hop, times: target.times.subarray(0, frames) }
}

/**
 * The FeatureSet item of each dataset id, from the wanted source ("audio" for an AudioSet).
 * When `names` holds source-qualified entries ("input.loudness", "target-input.mel"), each
 * item also carries those features under the qualified name, so a model can see the dry
 * input and the wet target side by side, or their difference.
 */
export const featureItemsById = (
  features: Artifact,
  source: FeatureInputOptions["source"],
  names: ReadonlyArray<string> = []
): { set: FeatureSet; byId: Map<string, FeatureItem> } => {
  const set = decodeFeatureSet(features)
  const sources = new Set(set.items.map((i) => i.source))
  const wanted = sources.has(source) ? source : sources.size === 1 && sources.has("audio") ? "audio" : source
  const qualified = names.map((n) => QUALIFIED.exec(n)).filter((m): m is RegExpExecArray => m !== null)
  const plain = names.length === 0 || qualified.length < names.length
  for (const m of qualified) {
    for (const s of sourcesOf(m[1]!)) {
      if (!sources.has(s)) throw new DataError({ message: `feature "${m[0]}" needs "${s}" items, but the FeatureSet has: ${[...sources].join(", ") || "none"} (features stage: on = "both")` })
    }
  }
  const bySource = new Map<string, Map<string, FeatureItem>>()
  for (const item of set.items) {
    let m = bySource.get(item.source)
    if (m === undefined) bySource.set(item.source, (m = new Map()))
    m.set(item.id, item)
  }
  const base = bySource.get(wanted) ?? new Map<string, FeatureItem>()
  if (plain && base.size === 0) throw new DataError({ message: `the FeatureSet has no "${source}" items (it has: ${[...sources].join(", ") || "none"}); set features.source` })
  if (qualified.length === 0) return { set, byId: base }
  // Items keyed by the wanted source (plain names) or the first qualified name's source.
  const keySource = plain ? wanted : sourcesOf(qualified[0]![1]!)[0]!
  const byId = new Map<string, FeatureItem>()
  for (const [id, own] of bySource.get(keySource) ?? new Map<string, FeatureItem>()) {
    const extra: Record<string, FeatureMatrixData> = {}
    for (const m of qualified) {
      // a missing one is reported by name when the input is built
      const [a, b] = sourcesOf(m[1]!).map((s) => bySource.get(s)?.get(id)?.features[m[2]!])
      if (a === undefined) continue
      if (m[1] !== "target-input") extra[m[0]] = a
      else if (b !== undefined) extra[m[0]] = difference(a, b, m[2]!, id)
    }
    byId.set(id, { ...own, features: { ...own.features, ...extra } })
  }
  return { set, byId }
}

export { featureInput, featureInputFromAudio, featureInputSize, fitFeatureInputs, type FeatureInputOptions } from "../../ml/feature-input.js"

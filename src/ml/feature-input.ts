/**
 * Feature matrices → model inputs: the "frames" layout ([frames, dims], cropped or
 * edge-padded to the model's frame count) and the "pooled" one (per-dimension mean and std
 * over frames), standardised with the training statistics stored in the model's meta; and
 * the same input computed from a new audio signal (`audioml predict`, `match`, inference
 * timing). Shared by the train and evaluate stages and the CLI.
 */
import { monoSignal } from "../dsp/signal.js"
import { DataError } from "../errors/audioml-error.js"
import { extractFeatures } from "../features/extract.js"
import { FEATURE_FAMILIES, type FeatureParams } from "../features/feature-params.js"
import type { FeatureInputMeta } from "./model-meta.js"

/** One item's feature matrices, dims × frames row-major each. */
export interface FeatureMatrices {
  readonly id: string
  readonly features: Readonly<Record<string, { readonly data: Float32Array; readonly dims: number; readonly frames: number }>>
}

/** Options of the input layout (see fitFeatureInputs). */
export interface FeatureInputOptions {
  readonly names: ReadonlyArray<string>
  readonly source: "audio" | "input" | "target"
  readonly layout: "frames" | "pooled"
  /** Frames per example for the "frames" layout; undefined: the shortest training item's. */
  readonly frames?: number
}

/** Source-qualified feature names ("target-input.mel"), which need dry/wet pairs. */
const QUALIFIED = /^(input|target|target-input)\.(.+)$/

const framesOf = (item: FeatureMatrices, names: ReadonlyArray<string>): number => {
  let frames = Infinity
  for (const name of names) {
    const f = item.features[name]
    if (f === undefined) throw new DataError({ message: `feature "${name}" is missing from item "${item.id}" (it has: ${Object.keys(item.features).join(", ")})` })
    frames = Math.min(frames, f.frames)
  }
  return frames
}

/** Raw [frames, dims] (frame-major) of one item, cropped or edge-padded to `frames`. */
const rawFrames = (item: FeatureMatrices, names: ReadonlyArray<string>, frames: number): { data: Float32Array; dims: number } => {
  const dims = names.reduce((n, name) => n + item.features[name]!.dims, 0)
  const have = framesOf(item, names)
  const out = new Float32Array(frames * dims)
  let col = 0
  for (const name of names) {
    const f = item.features[name]!
    for (let d = 0; d < f.dims; d++) {
      const row = d * f.frames
      for (let t = 0; t < frames; t++) {
        const v = f.data[row + Math.min(t, have - 1)]!
        out[t * dims + col + d] = Number.isFinite(v) ? v : 0
      }
    }
    col += f.dims
  }
  return { data: out, dims }
}

/** Per-dimension mean and std over frames: [2 · dims]. */
const pooled = (raw: { data: Float32Array; dims: number }, frames: number): Float32Array => {
  const { data, dims } = raw
  const out = new Float32Array(2 * dims)
  for (let d = 0; d < dims; d++) {
    let s = 0
    for (let t = 0; t < frames; t++) s += data[t * dims + d]!
    const mean = s / frames
    let v = 0
    for (let t = 0; t < frames; t++) v += (data[t * dims + d]! - mean) ** 2
    out[d] = mean
    out[dims + d] = Math.sqrt(v / frames)
  }
  return out
}

/** Unstandardised model input of one item: [frames · dims] or [2 · dims]. */
const rawInput = (item: FeatureMatrices, o: { names: ReadonlyArray<string>; layout: "frames" | "pooled"; frames: number }): Float32Array => {
  if (o.layout === "frames") return rawFrames(item, o.names, o.frames).data
  const frames = framesOf(item, o.names)
  return pooled(rawFrames(item, o.names, frames), frames)
}

/** Input size per step: dims for frames, 2 · dims pooled. */
export const featureInputSize = (meta: Pick<FeatureInputMeta, "layout" | "mean">): number => meta.mean.length

/**
 * The feature input layout and its standardisation (per-dimension mean and std over the
 * training items' frames) from the training items.
 */
export const fitFeatureInputs = (trainItems: ReadonlyArray<FeatureMatrices>, o: FeatureInputOptions): FeatureInputMeta => {
  if (trainItems.length === 0) throw new DataError({ message: "no training items with features" })
  const frames = o.frames ?? Math.min(...trainItems.map((i) => framesOf(i, o.names)))
  const inputs = trainItems.map((i) => rawInput(i, { names: o.names, layout: o.layout, frames }))
  const size = o.layout === "frames" ? inputs[0]!.length / frames : inputs[0]!.length
  const rows = o.layout === "frames" ? frames : 1
  const sum = new Float64Array(size)
  const sq = new Float64Array(size)
  for (const x of inputs) for (let r = 0; r < rows; r++) for (let d = 0; d < size; d++) sum[d] += x[r * size + d]!
  const n = inputs.length * rows
  const mean = Array.from(sum, (s) => s / n)
  for (const x of inputs) for (let r = 0; r < rows; r++) for (let d = 0; d < size; d++) sq[d] += (x[r * size + d]! - mean[d]!) ** 2
  const std = Array.from(sq, (s) => Math.sqrt(s / n) || 1)
  return { names: [...o.names], source: o.source, layout: o.layout, frames, mean, std }
}

/** The standardised model input of one feature item. */
export const featureInput = (item: FeatureMatrices, meta: FeatureInputMeta): Float32Array => {
  const x = rawInput(item, { names: meta.names, layout: meta.layout, frames: meta.frames })
  const size = meta.mean.length
  for (let i = 0; i < x.length; i++) {
    const d = i % size
    x[i] = (x[i]! - meta.mean[d]!) / meta.std[d]!
  }
  return x
}

/**
 * The standardised model input of a new mono signal: its features extracted with the
 * parameters the model's FeatureSet used (`meta.extraction`), then laid out and
 * standardised as the training items were. Only plain feature names can be computed from
 * one signal (not "target-input.mel" and the like).
 */
export const featureInputFromAudio = (audio: Float32Array, sampleRate: number, meta: FeatureInputMeta): Float32Array => {
  const extraction = meta.extraction
  if (extraction === undefined) throw new DataError({ message: "the model records no feature extraction parameters (trained before they were stored): retrain it" })
  const qualified = meta.names.filter((n) => QUALIFIED.test(n))
  if (qualified.length > 0) throw new DataError({ message: `the model reads features of dry/wet pairs (${qualified.join(", ")}); they cannot be computed from one audio file` })
  const families = Object.fromEntries(FEATURE_FAMILIES.filter((f) => extraction[f] !== undefined).map((f) => [f, extraction[f]])) as FeatureParams
  const extracted = extractFeatures(monoSignal(sampleRate, audio), families)
  return featureInput({ id: "input", features: extracted.features }, meta)
}

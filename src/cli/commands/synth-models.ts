/**
 * What `audioml predict`, `match` and `recommend` share: finding their kind of model in a run,
 * reading audio as the model's features, a predicted parameter vector as an amsynth
 * preset, and preset files given on the command line.
 */
import { basename, extname } from "node:path"
import { resampleSignal } from "../../dsp/resample.js"
import { toMono } from "../../dsp/signal.js"
import { decodeTargetOutputs, type ModelArtifact, type ModelMeta } from "../../ml/model-meta.js"
import { modelDefinition } from "../../ml/models/index.js"
import type { Predictor } from "../../ml/predictor.js"
import { yin } from "../../features/yin.js"
import { featureInputFromAudio } from "../../ml/feature-input.js"
import { normalise, unitValue, type SynthPreset } from "../../synth/params.js"
import { presetValuesFromPrediction } from "../../ml/resynthesis.js"
import { expandPresetPaths, readPresetFile } from "../../synth/preset-source.js"
import { synthParamOfLabel } from "../../synth/preset-labels.js"
import { readInputWav } from "../read-input-wav.js"
import { badInput } from "../user-error.js"
import { findModelDir, readModel } from "./process.js"

/** A parameter model: one that predicts targets (model.param_regressor, model.mlp). */
export const isParamModel = (meta: ModelMeta): boolean => meta.targets.length > 0 && meta.features !== undefined
/** An embedding model (model.tone_embedding). */
export const isEmbeddingModel = (meta: ModelMeta): boolean => modelDefinition(meta.uses).learns === "identity"

/** Find and read the model of a run (or a model folder) that `accept`s. */
export const loadRunModel = (dir: string, accept: (meta: ModelMeta) => boolean, what: string): { dir: string; model: ModelArtifact } => {
  const found = findModelDir(dir, accept, what)
  return { dir: found, model: readModel(found) }
}

/** A WAV file as mono at the model's rate: the samples and what was done to them. */
export const readMonoAt = (path: string, sampleRate: number): { audio: Float32Array; resampledFrom?: number } => {
  const signal = readInputWav(path)
  const at = signal.sampleRate === sampleRate ? signal : resampleSignal(signal, sampleRate)
  return { audio: toMono(at), ...(signal.sampleRate !== sampleRate ? { resampledFrom: signal.sampleRate } : {}) }
}

/** Model outputs of one audio clip (features computed as the model's FeatureSet computed them). */
export const predictAudio = (predictor: Predictor, meta: ModelMeta, audio: Float32Array, what: string): Float32Array => {
  if (meta.features === undefined) throw badInput(`${what}: ${meta.uses} has no feature inputs`)
  let x: Float32Array
  try {
    x = featureInputFromAudio(audio, meta.sample_rate, meta.features)
  } catch (e) {
    throw badInput(`${what}: ${(e as Error).message}`)
  }
  return predictor.predictExamples([x])[0]!
}

/** One predicted synth parameter. */
export interface PredictedParam {
  readonly name: string
  /** The raw preset value (what banks hold), clamped and snapped. */
  readonly value: number
  /** In [0, 1]. */
  readonly normalised: number
  /** The value in its physical unit, and the unit ("" when none). */
  readonly unit_value: number
  readonly unit: string
  /** The value's name for enums ("saw"). */
  readonly value_name?: string
  /** Probability of the predicted class, for classified parameters. */
  readonly probability?: number
}

const softmaxMax = (row: ArrayLike<number>, offset: number, n: number): number => {
  let max = -Infinity
  for (let c = 0; c < n; c++) max = Math.max(max, row[offset + c]!)
  let sum = 0
  for (let c = 0; c < n; c++) sum += Math.exp(row[offset + c]! - max)
  return 1 / sum
}

/**
 * Raw model outputs → an amsynth preset (parameters the model does not predict keep their
 * defaults) and the predicted parameters in units. Throws when no target is a synth parameter.
 */
export const presetFromOutputs = (meta: ModelMeta, row: ArrayLike<number>, name: string): { preset: SynthPreset; params: PredictedParam[] } => {
  const values = presetValuesFromPrediction(meta.targets, decodeTargetOutputs(meta.targets, row))
  const params: PredictedParam[] = []
  let offset = 0
  meta.targets.forEach((t, k) => {
    const width = t.classes !== undefined && t.classes > 1 ? t.classes : 1
    const spec = synthParamOfLabel(t.from)
    if (spec !== undefined) {
      const raw = values[spec.index]!
      params.push({
        name: spec.name,
        value: raw,
        normalised: normalise(spec, raw),
        unit_value: unitValue(spec, raw),
        unit: spec.unit,
        ...(spec.values !== undefined ? { value_name: spec.values[Math.round(raw - spec.min)] ?? String(raw) } : {}),
        ...(width > 1 ? { probability: softmaxMax(row, offset, width) } : {})
      })
    }
    offset += width
  })
  if (params.length === 0) throw badInput(`the model predicts ${meta.targets.map((t) => t.name).join(", ")}: none is a synth parameter (synth.<name>)`)
  return { preset: { name, values }, params }
}

/** A preset name from a file name ("lead.wav" → "lead"). */
export const presetNameOf = (path: string): string => basename(path, extname(path)).replace(/[\r\n]/g, " ").slice(0, 64) || "predicted"

/** The presets of `--bank` entries (files, folders, globs, "factory"), with the bank each came from. */
export const readBankArgs = (entries: ReadonlyArray<string>): SynthPreset[] => {
  if (entries.length === 0) throw badInput("--bank: give at least one preset file, folder, glob or \"factory\"")
  const presets: SynthPreset[] = []
  for (const [i, entry] of entries.entries()) {
    try {
      for (const file of expandPresetPaths(entry, process.cwd(), `--bank ${entry}`)) presets.push(...readPresetFile(file))
    } catch (e) {
      throw badInput((e as Error).message.startsWith("--bank") ? (e as Error).message : `--bank ${entries[i]}: ${(e as Error).message}`)
    }
  }
  if (presets.length === 0) throw badInput(`--bank ${entries.join(" ")}: no presets`)
  return presets
}

/**
 * The MIDI note nearest the median voiced F0 of a clip (YIN, 30 Hz to 4.2 kHz, 4096-sample
 * frames), or undefined when no frame is voiced.
 */
export const estimateNote = (audio: Float32Array, sampleRate: number): number | undefined => {
  const track = yin(audio, sampleRate, { fmin: 30, fmax: Math.min(4200, sampleRate / 2 - 1), frameLength: 4096, hop: 1024, threshold: 0.1 })
  const voiced = Array.from(track.f0).filter((f, i) => track.voiced[i] === 1 && f > 0).sort((a, b) => a - b)
  if (voiced.length === 0) return undefined
  const f = voiced[Math.floor(voiced.length / 2)]!
  return Math.min(127, Math.max(0, Math.round(69 + 12 * Math.log2(f / 440))))
}

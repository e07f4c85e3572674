import { boolean, integer, number, object, oneOf, type JsonSchema } from "../params/schema.js"
import { WINDOW_NAMES } from "../dsp/window.js"

/**
 * Parameters of feature extraction, shared by the `features` stage and `audioml features`.
 * Each feature family is a sub-table; a family is computed when its sub-table is present
 * (`mel = {}` computes mel with all defaults) and skipped when absent. Names follow
 * librosa (snake_case); defaults are librosa's. Feature values are never drawn from
 * distributions: every number here is a plain constant.
 */
export const FEATURE_FAMILIES = ["mel", "mfcc", "f0", "loudness", "descriptors"] as const
export type FeatureFamily = (typeof FEATURE_FAMILIES)[number]

const c = { distribution: false } as const

const stftProperties = {
  n_fft: integer({ description: "FFT size (a power of two)", minimum: 16, maximum: 65536, default: 2048, unit: "samples", ...c }),
  hop: integer({ description: "Hop between frames; frame t is centred on sample t * hop", minimum: 1, default: 512, unit: "samples", ...c }),
  win_length: integer({ description: "Window length, centred in n_fft (default n_fft)", minimum: 1, unit: "samples", ...c }),
  window: oneOf(WINDOW_NAMES, { description: "Analysis window (periodic)", default: "hann" })
}

const melProperties = {
  ...stftProperties,
  n_mels: integer({ description: "Number of mel bands", minimum: 1, maximum: 1024, default: 128, ...c }),
  fmin: number({ description: "Lowest filter edge", minimum: 0, default: 0, unit: "Hz", ...c }),
  fmax: number({ description: "Highest filter edge (default: sample_rate / 2)", exclusiveMinimum: 0, unit: "Hz", ...c }),
  scale: oneOf(["slaney", "htk"], { description: "Mel scale formula", default: "slaney" }),
  norm: oneOf(["slaney", "none"], { description: "Filter normalisation: slaney = unit area (librosa's norm='slaney')", default: "slaney" })
}

export const melParamsSchema: JsonSchema = object(
  {
    ...melProperties,
    power: number({ description: "Exponent of the magnitude (2 = power, 1 = magnitude)", exclusiveMinimum: 0, maximum: 4, default: 2, ...c }),
    log: boolean({ description: "Return power_to_db(S, ref=1, amin=1e-10, top_db=80) instead of S", default: false })
  },
  { description: "Mel spectrogram, n_mels × frames (librosa.feature.melspectrogram)" }
)

export const mfccParamsSchema: JsonSchema = object(
  {
    ...melProperties,
    n_mfcc: integer({ description: "Number of coefficients kept (<= n_mels)", minimum: 1, maximum: 1024, default: 20, ...c }),
    lifter: number({ description: "Sinusoidal liftering coefficient (0 = none)", minimum: 0, default: 0, ...c })
  },
  { description: "MFCC, n_mfcc × frames: DCT-II (ortho) of the dB mel power spectrogram (librosa.feature.mfcc)" }
)

export const f0ParamsSchema: JsonSchema = object(
  {
    method: oneOf(["pyin", "yin"], { description: "pYIN (probabilistic, Viterbi-smoothed) or YIN", default: "pyin" }),
    fmin: number({ description: "Lowest F0 searched", exclusiveMinimum: 0, default: 65, unit: "Hz", ...c }),
    fmax: number({ description: "Highest F0 searched (< sample_rate / 2)", exclusiveMinimum: 0, default: 2093, unit: "Hz", ...c }),
    frame_length: {
      ...integer({ description: "Frame length (even); frame_length - win_length must exceed sample_rate / fmin", minimum: 64, default: 2048, unit: "samples", ...c }),
      multipleOf: 2
    },
    win_length: integer({ description: "Difference-function window (default frame_length / 2)", minimum: 16, unit: "samples", ...c }),
    hop: integer({ description: "Hop between frames", minimum: 1, default: 512, unit: "samples", ...c }),
    threshold: number({ description: "YIN only: absolute CMND threshold (librosa trough_threshold)", exclusiveMinimum: 0, maximum: 1, default: 0.1, ...c }),
    n_thresholds: integer({ description: "pYIN only: number of thresholds of the beta prior", minimum: 1, maximum: 1000, default: 100, ...c }),
    beta_a: number({ description: "pYIN only: beta prior shape a", exclusiveMinimum: 0, default: 2, ...c }),
    beta_b: number({ description: "pYIN only: beta prior shape b", exclusiveMinimum: 0, default: 18, ...c }),
    boltzmann: number({ description: "pYIN only: Boltzmann prior over trough order", exclusiveMinimum: 0, default: 2, ...c }),
    resolution: number({ description: "pYIN only: pitch-bin width", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.1, unit: "semitones", ...c }),
    max_transition_rate: number({ description: "pYIN only: fastest pitch change", exclusiveMinimum: 0, default: 35.92, unit: "octaves/s", ...c }),
    switch_prob: number({ description: "pYIN only: voiced <-> unvoiced switch probability", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.01, ...c }),
    no_trough_prob: number({ description: "pYIN only: mass given to the global minimum when no trough is below a threshold", minimum: 0, maximum: 1, default: 0.01, ...c })
  },
  { description: "Fundamental frequency: f0 (Hz, 0 when unvoiced), voiced (0/1) and voiced_prob, one value per frame" }
)

export const loudnessParamsSchema: JsonSchema = object(
  {
    method: oneOf(["a_weighted", "lufs"], {
      description: "a_weighted: DDSP-style A-weighted frame power in dB; lufs: BS.1770 momentary loudness (400 ms, centred) per frame",
      default: "a_weighted"
    }),
    n_fft: integer({ description: "a_weighted only: FFT size (a power of two)", minimum: 16, maximum: 65536, default: 2048, unit: "samples", ...c }),
    hop: integer({ description: "Hop between frames", minimum: 1, default: 512, unit: "samples", ...c }),
    range_db: number({ description: "a_weighted only: dynamic range; values are floored at -range_db", exclusiveMinimum: 0, default: 80, unit: "dB", ...c }),
    ref_db: number({ description: "a_weighted only: reference level subtracted", default: 0, unit: "dB", ...c })
  },
  { description: "Loudness per frame; the integrated BS.1770 loudness (LUFS) is always reported with it" }
)

export const descriptorParamsSchema: JsonSchema = object(
  {
    n_fft: integer({ description: "FFT size and rms / zcr frame length", minimum: 16, maximum: 65536, default: 2048, unit: "samples", ...c }),
    hop: integer({ description: "Hop between frames", minimum: 1, default: 512, unit: "samples", ...c }),
    roll_percent: number({ description: "Spectral rolloff fraction", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.85, ...c })
  },
  { description: "centroid (Hz), rolloff (Hz), flatness, rms, zcr: one value per frame each (librosa definitions)" }
)

export const featureFamilySchemas: Readonly<Record<FeatureFamily, JsonSchema>> = {
  mel: melParamsSchema,
  mfcc: mfccParamsSchema,
  f0: f0ParamsSchema,
  loudness: loudnessParamsSchema,
  descriptors: descriptorParamsSchema
}

/** Parameters after validation with defaults applied (snake_case as in TOML). */
export interface MelParams {
  readonly n_fft: number
  readonly hop: number
  readonly win_length?: number
  readonly window: "hann" | "hamming" | "blackman" | "rectangular"
  readonly n_mels: number
  readonly fmin: number
  readonly fmax?: number
  readonly scale: "slaney" | "htk"
  readonly norm: "slaney" | "none"
  readonly power: number
  readonly log: boolean
}

export interface MfccParams extends Omit<MelParams, "power" | "log"> {
  readonly n_mfcc: number
  readonly lifter: number
}

export interface F0Params {
  readonly method: "pyin" | "yin"
  readonly fmin: number
  readonly fmax: number
  readonly frame_length: number
  readonly win_length?: number
  readonly hop: number
  readonly threshold: number
  readonly n_thresholds: number
  readonly beta_a: number
  readonly beta_b: number
  readonly boltzmann: number
  readonly resolution: number
  readonly max_transition_rate: number
  readonly switch_prob: number
  readonly no_trough_prob: number
}

export interface LoudnessParams {
  readonly method: "a_weighted" | "lufs"
  readonly n_fft: number
  readonly hop: number
  readonly range_db: number
  readonly ref_db: number
}

export interface DescriptorParams {
  readonly n_fft: number
  readonly hop: number
  readonly roll_percent: number
}

export interface FeatureParams {
  readonly mel?: MelParams
  readonly mfcc?: MfccParams
  readonly f0?: F0Params
  readonly loudness?: LoudnessParams
  readonly descriptors?: DescriptorParams
}

/** Units and one-line descriptions of every feature track, for FeatureSet metadata and features.json. */
export const featureDescriptions = (params: FeatureParams): Record<string, { unit: string; description: string }> => {
  const out: Record<string, { unit: string; description: string }> = {}
  if (params.mel !== undefined)
    out["mel"] = { unit: params.mel.log ? "dB" : params.mel.power === 2 ? "power" : "magnitude", description: `mel spectrogram, ${params.mel.n_mels} bands` }
  if (params.mfcc !== undefined) out["mfcc"] = { unit: "", description: `${params.mfcc.n_mfcc} MFCCs over ${params.mfcc.n_mels} mel bands` }
  if (params.f0 !== undefined) {
    out["f0"] = { unit: "Hz", description: `${params.f0.method} fundamental frequency, 0 where unvoiced` }
    out["voiced"] = { unit: "", description: "1 voiced, 0 unvoiced" }
    out["voiced_prob"] = { unit: "", description: "probability that the frame is voiced" }
  }
  if (params.loudness !== undefined) {
    if (params.loudness.method === "lufs") {
      out["loudness"] = { unit: "LUFS", description: "BS.1770 momentary loudness (400 ms window centred on the frame), floored at -120" }
      out["loudness_short_term"] = { unit: "LUFS", description: "BS.1770 short-term loudness (3 s window centred on the frame), floored at -120" }
    } else out["loudness"] = { unit: "dB", description: "A-weighted frame power (DDSP compute_loudness)" }
  }
  if (params.descriptors !== undefined) {
    out["centroid"] = { unit: "Hz", description: "spectral centroid" }
    out["rolloff"] = { unit: "Hz", description: `spectral rolloff at ${params.descriptors.roll_percent * 100} %` }
    out["flatness"] = { unit: "", description: "spectral flatness (geometric / arithmetic mean of power)" }
    out["rms"] = { unit: "", description: "root mean square of the frame" }
    out["zcr"] = { unit: "", description: "zero-crossing rate (crossings per sample)" }
  }
  return out
}

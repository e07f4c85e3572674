/**
 * `audioml/features`: log-mel spectrograms, MFCC, F0 (YIN, pYIN), loudness (A-weighted,
 * LUFS) and spectral descriptors, as the `features` stage and `audioml features` compute them.
 *
 * ```ts
 * import { extractFeatures } from "audioml/features"
 * const { features } = extractFeatures(signal, { mel: { n_mels: 64 }, f0: { method: "yin" } })
 * ```
 */
export { extractFeatures, type ExtractedFeatures, type FeatureTrack } from "../features/extract.js"
export { checkFeatureParams, resolveFeatureParams, type FeatureRequest } from "../features/feature-validation.js"
export {
  FEATURE_FAMILIES,
  featureFamilySchemas,
  type FeatureFamily,
  type FeatureParams,
  type MelParams,
  type MfccParams,
  type F0Params,
  type LoudnessParams,
  type DescriptorParams
} from "../features/feature-params.js"
export { melSpectrogram, melFilterbank, hzToMel, melToHz, powerToDbInPlace, MEL_DEFAULTS, type MelOptions, type FeatureMatrix } from "../features/mel.js"
export { mfcc, mfccFromLogMel, type MfccOptions } from "../features/mfcc.js"
export { yin, type YinOptions, type F0Track } from "../features/yin.js"
export { pyin, PYIN_DEFAULTS, type PyinOptions } from "../features/pyin.js"
export { integratedLoudness, type LufsResult } from "../features/lufs.js"
export { aWeightedLoudness, A_WEIGHTED_DEFAULTS, type AWeightedOptions } from "../features/loudness.js"
export { descriptors, DESCRIPTOR_DEFAULTS, type DescriptorOptions, type Descriptors } from "../features/descriptors.js"
export type { Signal } from "../dsp/signal.js"

import { toMono, type Signal } from "../dsp/signal.js"
import { descriptors } from "./descriptors.js"
import type { FeatureFamily, FeatureParams, MelParams, MfccParams } from "./feature-params.js"
import { aWeightedLoudness } from "./loudness.js"
import { lufs, integratedLoudness } from "./lufs.js"
import { melSpectrogram, powerToDbInPlace, type MelOptions } from "./mel.js"
import { mfccFromLogMel } from "./mfcc.js"
import { pyin } from "./pyin.js"
import { yin } from "./yin.js"
import { withContext } from "../errors/audioml-error.js"
import { resolveFeatureParams, type FeatureRequest } from "./feature-validation.js"

/**
 * All selected features of one signal. Everything but LUFS uses the mono down-mix (mean
 * of the channels); LUFS sums the K-weighted channels as BS.1770 does.
 *
 * Feature tracks (each dims × frames, frame t centred on sample t * hop):
 *   mel [n_mels]            power (or dB when mel.log)           family mel
 *   mfcc [n_mfcc]                                                family mfcc
 *   f0 [1] Hz (0 = unvoiced), voiced [1] 0/1, voiced_prob [1]     family f0
 *   loudness [1] dB (a_weighted) or LUFS (lufs: momentary),
 *   loudness_short_term [1] LUFS (lufs only)                     family loudness
 *   centroid, rolloff [1] Hz, flatness, rms, zcr [1]              family descriptors
 * Scalars: lufs_integrated (LUFS; null when no block passes the gates), with loudness.
 */
export interface FeatureTrack {
  readonly data: Float32Array
  readonly dims: number
  readonly frames: number
  readonly hop: number
}

export interface ExtractedFeatures {
  readonly sampleRate: number
  readonly features: Readonly<Record<string, FeatureTrack>>
  readonly scalars: Readonly<Record<string, number | null>>
}

export const melOptions = (p: MelParams | MfccParams, sampleRate: number): MelOptions => ({
  nFft: p.n_fft,
  hop: p.hop,
  winLength: p.win_length,
  window: p.window,
  center: true,
  nMels: p.n_mels,
  fmin: p.fmin,
  fmax: p.fmax ?? sampleRate / 2,
  scale: p.scale,
  norm: p.norm,
  power: "power" in p ? p.power : 2,
  log: "log" in p ? p.log : false
})

const sameMel = (a: MelOptions, b: MelOptions): boolean =>
  a.nFft === b.nFft && a.hop === b.hop && a.winLength === b.winLength && a.window === b.window && a.nMels === b.nMels &&
  a.fmin === b.fmin && a.fmax === b.fmax && a.scale === b.scale && a.norm === b.norm

/**
 * Re-throw a library error with the family it came from: "mel: n_fft must be ...". Errors
 * whose message already starts with the family (the F0 trackers say "f0: ...") pass as they are.
 */
const family = <T>(name: FeatureFamily, body: () => T): T => {
  try {
    return body()
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${name}: `)) throw e
    throw withContext(e, `${name}`)
  }
}

/**
 * Compute the requested feature families of `signal` (channels averaged to mono): each family
 * present in `request` with its parameters, defaults filled for the rest (`{ mel: {}, f0: {
 * method: "yin" } }`). The request is validated first: a bad value throws a ParameterError
 * naming it (`mel.n_mels: must be >= 1 (got 0)`), as the CLI and the `features` stage report it.
 */
export const extractFeatures = (signal: Signal, request: FeatureRequest): ExtractedFeatures => {
  const params = resolveFeatureParams(request)
  const sr = signal.sampleRate
  const y = toMono(signal)
  const features: Record<string, FeatureTrack> = {}
  const scalars: Record<string, number | null> = {}
  const track = (data: Float32Array, dims: number, frames: number, hop: number): FeatureTrack => ({ data, dims, frames, hop })

  let melPower: { options: MelOptions; data: Float32Array; frames: number } | undefined
  if (params.mel !== undefined) {
    const p = params.mel
    family("mel", () => {
      const o = melOptions(p, sr)
      const m = melSpectrogram(y, sr, { ...o, log: false })
      if (o.power === 2 && params.mfcc !== undefined) melPower = { options: o, data: m.data.slice(), frames: m.frames }
      if (o.log) powerToDbInPlace(m.data)
      features["mel"] = track(m.data, m.dims, m.frames, p.hop)
    })
  }
  if (params.mfcc !== undefined) {
    const p = params.mfcc
    family("mfcc", () => {
      const o = melOptions(p, sr)
      // reuse the mel power spectrogram when it was computed with the same filterbank
      const shared = melPower !== undefined && sameMel(melPower.options, o) ? melPower.data : undefined
      const power = shared ?? melSpectrogram(y, sr, { ...o, power: 2, log: false }).data
      const logMel = { data: powerToDbInPlace(power), dims: p.n_mels, frames: power.length / p.n_mels }
      const m = mfccFromLogMel(logMel, p.n_mfcc, p.lifter)
      features["mfcc"] = track(m.data, m.dims, m.frames, p.hop)
    })
  }
  if (params.f0 !== undefined) {
    const p = params.f0
    family("f0", () => {
      const base = { fmin: p.fmin, fmax: p.fmax, frameLength: p.frame_length, winLength: p.win_length, hop: p.hop }
      const out =
        p.method === "yin"
          ? yin(y, sr, { ...base, threshold: p.threshold })
          : pyin(y, sr, {
              ...base,
              nThresholds: p.n_thresholds,
              betaParameters: [p.beta_a, p.beta_b],
              boltzmannParameter: p.boltzmann,
              resolution: p.resolution,
              maxTransitionRate: p.max_transition_rate,
              switchProb: p.switch_prob,
              noTroughProb: p.no_trough_prob
            })
      features["f0"] = track(out.f0, 1, out.frames, p.hop)
      features["voiced"] = track(Float32Array.from(out.voiced), 1, out.frames, p.hop)
      features["voiced_prob"] = track(out.voicedProb, 1, out.frames, p.hop)
    })
  }
  if (params.loudness !== undefined) {
    const p = params.loudness
    family("loudness", () => {
      if (p.method === "lufs") {
        const frames = 1 + Math.floor(y.length / p.hop)
        const out = lufs(signal.channels, sr, p.hop, frames)
        features["loudness"] = track(out.momentary, 1, frames, p.hop)
        features["loudness_short_term"] = track(out.shortTerm, 1, frames, p.hop)
        scalars["lufs_integrated"] = Number.isFinite(out.integrated) ? out.integrated : null
      } else {
        const out = aWeightedLoudness(y, sr, { nFft: p.n_fft, hop: p.hop, rangeDb: p.range_db, refDb: p.ref_db })
        features["loudness"] = track(out, 1, out.length, p.hop)
        const integrated = integratedLoudness(signal.channels, sr).integrated
        scalars["lufs_integrated"] = Number.isFinite(integrated) ? integrated : null
      }
    })
  }
  if (params.descriptors !== undefined) {
    const p = params.descriptors
    family("descriptors", () => {
      const d = descriptors(y, sr, { nFft: p.n_fft, hop: p.hop, rollPercent: p.roll_percent })
      for (const name of ["centroid", "rolloff", "flatness", "rms", "zcr"] as const) features[name] = track(d[name], 1, d.frames, p.hop)
    })
  }
  return { sampleRate: sr, features, scalars }
}

import { toMono, type Signal } from "../../dsp/signal.js"
import { estimateLag } from "../../dsp/xcorr.js"
import { blipLatency, findLeadingBlip } from "../../dsp/blip-latency.js"

export type AlignMode = "none" | "check" | "fix" | "drop"

/** How the lag is measured (source.pairs' `lag_tolerance`, `periodicity`, `blip_calibration`). */
export interface AlignOptions {
  readonly maxLag: number
  readonly minCorrelation: number
  /** Relative tie tolerance of the correlation peak: near-ties go to the smallest |lag|. */
  readonly lagTolerance: number
  /** Autocorrelation at which a lag counts as a period of the input and is rejected (0: off). */
  readonly periodicity: number
  /** Use a leading blip in the input, when there is one, instead of cross-correlation. */
  readonly blipCalibration: boolean
}

export interface AlignResult {
  /** Samples by which the target lags the input (target[n] ≈ input[n - lag]); null when not measured. */
  readonly lag: number | null
  readonly correlation: number | null
  /** "xcorr" (cross-correlation peak) or "blip" (NAM-style blip trigger); null when not measured. */
  readonly method: "xcorr" | "blip" | null
  /** Correlation peaks passed over because their lag is a period of the input. */
  readonly rejected: ReadonlyArray<{ readonly lag: number; readonly correlation: number; readonly autocorrelation: number }>
  readonly action: "kept" | "shifted" | "dropped"
  readonly reason?: string
  readonly input: Signal
  readonly target: Signal
}

const slice = (s: Signal, from: number, to: number): Signal => ({ sampleRate: s.sampleRate, channels: s.channels.map((c) => c.slice(from, to)) })

/** Shift so the pair lines up: drop the first |lag| samples of the late one and trim both to the overlap. */
export const applyLag = (input: Signal, target: Signal, lag: number): { input: Signal; target: Signal } => {
  const n = Math.min(input.channels[0]!.length, target.channels[0]!.length)
  return lag >= 0
    ? { input: slice(input, 0, n - lag), target: slice(target, lag, n) }
    : { input: slice(input, -lag, n), target: slice(target, 0, n + lag) }
}

/** Normalised correlation Σ a[n] b[n + lag] / sqrt(Σa² Σb²). */
const correlationAt = (a: Float32Array, b: Float32Array, lag: number): number => {
  let ab = 0
  let ea = 0
  let eb = 0
  for (let i = 0; i < a.length; i++) {
    ea += a[i]! * a[i]!
    const j = i + lag
    if (j >= 0 && j < b.length) ab += a[i]! * b[j]!
  }
  for (let i = 0; i < b.length; i++) eb += b[i]! * b[i]!
  return ea > 0 && eb > 0 ? ab / Math.sqrt(ea * eb) : 0
}

/**
 * The alignment check of a dry/wet pair (the SignalTrain notebook found phase-shifted
 * pairs this way). The lag comes from the FFT cross-correlation of the mono mixes: among
 * the peaks within `lagTolerance` of the largest, the smallest |lag| wins, and a lag that
 * is a period of the input (a sustained note correlates almost as well one pitch period
 * away) is rejected in favour of a peak within half of it. With `blipCalibration`, a pair
 * whose input begins with a blip (see dsp/blip-latency.ts) takes its lag from the target's
 * response to the blip instead, NAM's convention.
 *  - "check": measure and report only;
 *  - "fix": shift by the lag (trimming both to the overlap); a pair whose |correlation| is
 *    below min_correlation has no trustworthy lag and is dropped;
 *  - "drop": drop pairs with a non-zero lag or |correlation| below min_correlation.
 */
export const alignPair = (input: Signal, target: Signal, mode: AlignMode, o: AlignOptions): AlignResult => {
  if (mode === "none") return { lag: null, correlation: null, method: null, rejected: [], action: "kept", input, target }
  const n = Math.min(input.channels[0]!.length, target.channels[0]!.length)
  const limit = Math.min(o.maxLag, Math.max(0, n - 1))
  const a = toMono(input)
  const b = toMono(target)
  const blip = o.blipCalibration ? findLeadingBlip(a, Math.max(0, n - 1), limit) : undefined
  const fromBlip = blip === undefined ? undefined : blipLatency(b, blip, limit)
  const estimate =
    fromBlip !== undefined
      ? { lag: fromBlip, correlation: correlationAt(a, b, fromBlip), rejected: [], method: "blip" as const }
      : { ...estimateLag(a, b, limit, { tolerance: o.lagTolerance, periodicity: o.periodicity }), method: "xcorr" as const }
  const { lag, correlation } = estimate
  const weak = Math.abs(correlation) < o.minCorrelation
  const r = { lag, correlation, method: estimate.method, rejected: estimate.rejected }
  if (mode === "check") return { ...r, action: "kept", input, target }
  if (weak) return { ...r, action: "dropped", reason: `|correlation| ${Math.abs(correlation).toFixed(3)} < min_correlation ${o.minCorrelation}`, input, target }
  if (lag === 0) return { ...r, action: "kept", input, target }
  if (mode === "drop") return { ...r, action: "dropped", reason: `lag ${lag} samples`, input, target }
  return { ...r, action: "shifted", ...applyLag(input, target, lag) }
}

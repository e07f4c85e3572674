import { toMono, type Signal } from "../../dsp/signal.js"
import { estimateLag } from "../../dsp/xcorr.js"

export type AlignMode = "none" | "check" | "fix" | "drop"

export interface AlignResult {
  /** Samples by which the target lags the input (target[n] ≈ input[n - lag]); null when not measured. */
  readonly lag: number | null
  readonly correlation: number | null
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

/**
 * The alignment check of a dry/wet pair (the SignalTrain notebook found phase-shifted
 * pairs this way): lag and value of the FFT cross-correlation peak of the mono mixes.
 *  - "check": measure and report only;
 *  - "fix": shift by the lag (trimming both to the overlap); a pair whose |correlation| is
 *    below min_correlation has no trustworthy lag and is dropped;
 *  - "drop": drop pairs with a non-zero lag or |correlation| below min_correlation.
 */
export const alignPair = (input: Signal, target: Signal, mode: AlignMode, maxLag: number, minCorrelation: number): AlignResult => {
  if (mode === "none") return { lag: null, correlation: null, action: "kept", input, target }
  const n = Math.min(input.channels[0]!.length, target.channels[0]!.length)
  const limit = Math.min(maxLag, Math.max(0, n - 1))
  const { lag, correlation } = estimateLag(toMono(input), toMono(target), limit)
  const weak = Math.abs(correlation) < minCorrelation
  const r = { lag, correlation }
  if (mode === "check") return { ...r, action: "kept", input, target }
  if (weak) return { ...r, action: "dropped", reason: `|correlation| ${Math.abs(correlation).toFixed(3)} < min_correlation ${minCorrelation}`, input, target }
  if (lag === 0) return { ...r, action: "kept", input, target }
  if (mode === "drop") return { ...r, action: "dropped", reason: `lag ${lag} samples`, input, target }
  return { ...r, action: "shifted", ...applyLag(input, target, lag) }
}

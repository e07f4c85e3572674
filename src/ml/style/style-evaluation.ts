/**
 * Scoring style transfer on held-out pairs in DeepAFx-ST's table layout (Steinmetz et al.
 * 2022, Table 2): for each method, the MR-STFT distance of its output to the ground truth,
 * the loudness error |LUFS(output) − LUFS(truth)| (BS.1770-4, gated), and, for methods that
 * estimate the chain's parameters, the mean absolute error of the normalised parameters
 * (t ∈ [0, 1]) against the ones that made the target.
 *
 * Methods (each sees the input half and the reference half of a pair, src/ml/style/halves.ts):
 * - `input`: the corrupted input itself, unprocessed;
 * - `rule_based`: loudness and spectral-tilt matching (src/ml/style/rule-based.ts);
 * - `autodiff`, `spsa`: mode A (src/ml/style/match-style.ts) with the match loss, fitted on
 *   the reference's own input half (same material as the reference) and applied to the
 *   input half: the chain's settings transfer from one half to the other;
 * - `spsa_style`: mode A from the reference alone, with the content-independent style loss;
 * - `encoder`: mode B, one forward pass of a trained style encoder (src/ml/style/encoder.ts).
 *
 * The known parameters made the target from the clean clip; the input also carries the
 * corrupting EQ, so the best correction is not exactly those parameters and the MAE is a
 * loose measure of how far an estimate lies from them.
 */
import { integratedLoudness } from "../../features/lufs.js"
import type { ChainItem } from "../../effects/chain.js"
import type { Tf } from "../backend.js"
import type { FreeParam } from "../differentiable/param-space.js"
import { splitHalves } from "./halves.js"
import { matchStyle, type MatchOptions } from "./match-style.js"
import { MrStftTarget } from "./mrstft.js"
import { renderAt } from "./render.js"
import { ruleBasedMatch } from "./rule-based.js"

/** The rows of the table, in the order they are printed (see the module comment). */
export const STYLE_METHODS = ["input", "rule_based", "autodiff", "spsa", "spsa_style", "encoder"] as const
/** One row of the table. */
export type StyleMethod = (typeof STYLE_METHODS)[number]

/** One method's score on one pair. */
export interface MethodScore {
  readonly mrstft: number
  /** |LUFS(output) − LUFS(truth)|, LU (NaN if either is silent). */
  readonly lufsError: number
  /** Mean |t̂ − t| over the free parameters; undefined for methods without parameters or pairs without labels. */
  readonly paramMae: number | undefined
  /** Wall-clock seconds the method took on this pair. */
  readonly seconds: number
}

/** A trained encoder's inference: coordinates t for (input, reference). */
export type EncoderPredict = (input: Float32Array, reference: Float32Array) => Float64Array

/** Which rows to compute and how (mode A settings, seed of the chain's random effects, tfjs for autodiff and the encoder). */
export interface EvaluatePairOptions {
  readonly methods: ReadonlyArray<StyleMethod>
  /** Mode A settings (method and loss are set per row). */
  readonly match: Omit<MatchOptions, "method" | "loss" | "seed">
  readonly seed: number
  readonly tf?: Tf | undefined
  readonly encoder?: EncoderPredict | undefined
  readonly baseDir?: string | undefined
}

/** A stored style pair as mono signals (full length: split into halves here). */
export interface PairToScore {
  readonly input: Float32Array
  readonly target: Float32Array
  readonly referenceHalf: 0 | 1
  readonly sampleRate: number
  /** Known coordinates, where labelled. */
  readonly t: ReadonlyArray<number | undefined>
}

const loudness = (x: Float32Array, sr: number): number => {
  const l = integratedLoudness([x], sr).integrated
  return Number.isFinite(l) ? l : NaN
}

const mae = (est: ArrayLike<number>, known: ReadonlyArray<number | undefined>): number | undefined => {
  if (known.length === 0 || known.some((v) => v === undefined)) return undefined
  let s = 0
  for (let i = 0; i < known.length; i++) s += Math.abs(est[i]! - known[i]!)
  return s / known.length
}

/** Every requested method's score on one pair (methods in the order given). */
export const evaluatePair = async (
  chain: ReadonlyArray<ChainItem>,
  free: ReadonlyArray<FreeParam>,
  pair: PairToScore,
  o: EvaluatePairOptions
): Promise<Partial<Record<StyleMethod, MethodScore>>> => {
  const sr = pair.sampleRate
  const h = splitHalves(pair.input, pair.target, pair.referenceHalf)
  const truth = new MrStftTarget(h.truth)
  const truthLufs = loudness(h.truth, sr)
  const render = (t: ArrayLike<number>): Float32Array => renderAt(chain, free, t, { sampleRate: sr, channels: [h.input] }, o.seed, o.baseDir).channels[0]!
  const score = (output: Float32Array, started: number, t?: ArrayLike<number>): MethodScore => ({
    mrstft: truth.value(output),
    lufsError: Math.abs(loudness(output, sr) - truthLufs),
    paramMae: t === undefined ? undefined : mae(t, pair.t),
    seconds: (performance.now() - started) / 1000
  })
  const out: Partial<Record<StyleMethod, MethodScore>> = {}
  for (const method of o.methods) {
    const started = performance.now()
    switch (method) {
      case "input":
        out.input = score(h.input, started)
        break
      case "rule_based":
        out.rule_based = score(ruleBasedMatch(h.input, h.reference, sr).output, started)
        break
      case "autodiff":
      case "spsa": {
        const r = await matchStyle(o.tf, chain, h.referenceInput, h.reference, sr, { ...o.match, method, loss: "match", seed: o.seed, baseDir: o.baseDir })
        out[method] = score(render(r.t), started, r.t)
        break
      }
      case "spsa_style": {
        const r = await matchStyle(undefined, chain, h.input, h.reference, sr, { ...o.match, method: "spsa", loss: "style", seed: o.seed, baseDir: o.baseDir })
        out.spsa_style = score(render(r.t), started, r.t)
        break
      }
      case "encoder": {
        if (o.encoder === undefined) throw new RangeError("the encoder row needs a trained style encoder")
        const t = o.encoder(h.input, h.reference)
        out.encoder = score(render(t), started, t)
        break
      }
    }
  }
  return out
}

/** One row of the table: the mean of each measure over the pairs (NaNs and missing values skipped). */
export interface MethodSummary {
  readonly mrstft: number
  readonly lufs_error: number
  readonly param_mae: number | null
  /** Mean seconds per pair. */
  readonly seconds: number
  /** MR-STFT of the corrupted input over this method's: the reduction factor. */
  readonly reduction: number | null
}

const meanOf = (xs: ReadonlyArray<number | undefined>): number | null => {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x))
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length
}

/** The table: one summary per method present in `scores`. */
export const summarise = (scores: ReadonlyArray<Partial<Record<StyleMethod, MethodScore>>>): Partial<Record<StyleMethod, MethodSummary>> => {
  const out: Partial<Record<StyleMethod, MethodSummary>> = {}
  const inputMr = meanOf(scores.map((s) => s.input?.mrstft))
  for (const m of STYLE_METHODS) {
    const rows = scores.map((s) => s[m]).filter((r): r is MethodScore => r !== undefined)
    if (rows.length === 0) continue
    const mr = meanOf(rows.map((r) => r.mrstft)) ?? NaN
    out[m] = {
      mrstft: mr,
      lufs_error: meanOf(rows.map((r) => r.lufsError)) ?? NaN,
      param_mae: meanOf(rows.map((r) => r.paramMae)),
      seconds: meanOf(rows.map((r) => r.seconds)) ?? NaN,
      reduction: inputMr !== null && mr > 0 ? inputMr / mr : null
    }
  }
  return out
}

/** The table as Markdown (DeepAFx-ST's columns plus parameter MAE, reduction and time). */
export const tableMarkdown = (summary: Partial<Record<StyleMethod, MethodSummary>>): string => {
  const f = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? "—" : v.toFixed(d))
  const lines = ["| method | MR-STFT | LUFS error | param MAE | reduction | s/pair |", "|---|---|---|---|---|---|"]
  for (const m of STYLE_METHODS) {
    const s = summary[m]
    if (s === undefined) continue
    lines.push(`| ${m} | ${f(s.mrstft)} | ${f(s.lufs_error)} | ${f(s.param_mae)} | ${s.reduction === null ? "—" : s.reduction.toFixed(2) + "×"} | ${f(s.seconds, 2)} |`)
  }
  return lines.join("\n")
}

/**
 * The magnitude response, in dB, of the linear time-invariant head of an effect chain: its
 * leading items that are single-band EQs (`eq.peaking`, `eq.lowshelf`, …), `eq.parametric`
 * or `gain`, each at full mix. Exact (the biquads' own transfer functions, src/dsp/biquad.ts),
 * no audio rendered. Used to record a style pair's corrupting EQ (style.pairs) and to build
 * the style encoder's EQ teacher (src/ml/style/teacher.ts).
 */
import { biquadMagnitude } from "../../dsp/biquad.js"
import type { ResolvedChain, ResolvedItem } from "../../effects/chain.js"
import { bandCoefficients, type FilterParams } from "../../effects/eq/filters.js"

/** Lowest frequency of the response grid, Hz. */
export const RESPONSE_FMIN_HZ = 40
/** Points of the response grid (log-spaced from RESPONSE_FMIN_HZ to 0.45 × the sample rate). */
export const RESPONSE_POINTS = 32

/** The response grid at `sampleRate`: RESPONSE_POINTS log-spaced frequencies, Hz. */
export const responseGrid = (sampleRate: number): Float64Array => {
  const lo = Math.log(RESPONSE_FMIN_HZ)
  const hi = Math.log(0.45 * sampleRate)
  return Float64Array.from({ length: RESPONSE_POINTS }, (_, k) => Math.exp(lo + ((hi - lo) * k) / (RESPONSE_POINTS - 1)))
}

const isLinear = (item: ResolvedItem): boolean =>
  (item.mix === undefined || item.mix === 1) && (item.def.uses === "gain" || item.def.uses === "eq.parametric" || /^eq\.(peaking|lowshelf|highshelf|lowpass|highpass|bandpass|notch)$/.test(item.def.uses))

/** How many leading items of `chain` are linear (supported by linearResponseDb). */
export const linearHeadLength = (chain: ResolvedChain): number => {
  const k = chain.items.findIndex((item) => !isLinear(item))
  return k < 0 ? chain.items.length : k
}

const itemResponseDb = (item: ResolvedItem, freqs: ArrayLike<number>, sampleRate: number, out: Float64Array): void => {
  const p = item.params
  if (item.def.uses === "gain") {
    const g = Number(p["gain_db"] ?? 0)
    for (let k = 0; k < out.length; k++) out[k]! += g
    return
  }
  const bands: ReadonlyArray<FilterParams & { readonly uses: string }> =
    item.def.uses === "eq.parametric" ? (p["bands"] as Array<FilterParams & { uses: string }>) : [{ ...(p as unknown as FilterParams), uses: item.def.uses }]
  for (const b of bands) {
    const c = bandCoefficients(b.uses, b, sampleRate)
    for (let k = 0; k < out.length; k++) out[k]! += 20 * Math.log10(Math.max(biquadMagnitude(c, freqs[k]!, sampleRate), 1e-12))
  }
}

/**
 * The dB response at `freqs` of the first `items` items of `chain` (default: its whole
 * linear head, linearHeadLength). Throws RangeError if one of those items is not linear.
 */
export const linearResponseDb = (chain: ResolvedChain, freqs: ArrayLike<number>, sampleRate: number, items: number = linearHeadLength(chain)): Float64Array => {
  const out = new Float64Array(freqs.length)
  chain.items.slice(0, items).forEach((item) => {
    if (!isLinear(item)) throw new RangeError(`chain[${item.index}] (${item.def.uses}) is not a linear EQ or gain at full mix`)
    itemResponseDb(item, freqs, sampleRate, out)
  })
  return out
}

/**
 * Training and evaluation pairs made the DeepAFx-ST way (Steinmetz et al. 2022, §3.3): a
 * clean clip becomes
 *
 * - the input: the clip through a "bad" corrupting chain (random EQ), and
 * - the target: the same clip through the style chain with random settings.
 *
 * The style chain is written as for `audioml style`: every parameter written as a range
 * (`gain_db = { uniform = [-12, 12] }`) is searched (src/ml/differentiable/param-space.ts).
 * Here each clip draws its coordinates t ∈ [0, 1] uniformly, so the target is the style
 * chain at a known point: those t (and the values in units) are the pair's labels, the
 * ground truth for parameter MAE. Any other distribution in either chain is drawn as in an
 * `effects.chain` stage.
 *
 * Each clip is later split in halves (src/ml/style/halves.ts): one half of the target is
 * the style reference, the other half the ground truth for the matching half of the input;
 * which half is the reference is drawn per clip too (label `reference_half`).
 */
import type { Signal } from "../../dsp/signal.js"
import { applyChain, resolveChain, type ChainItem } from "../../effects/chain.js"
import type { LabelValue } from "../../params/labels.js"
import type { Rng } from "../../params/rng.js"
import { freeParams, namedValues, type FreeParam } from "../differentiable/param-space.js"
import { linearHeadLength, linearResponseDb, responseGrid, RESPONSE_POINTS } from "./linear-response.js"
import { renderAt } from "./render.js"

/** Label names: `style_t.<name>` holds t ∈ [0, 1], `style.<name>` the value in units. */
export const T_LABEL_PREFIX = "style_t."
export const UNITS_LABEL_PREFIX = "style."
/** Which half (0 = first, 1 = second) of the target is the style reference. */
export const REFERENCE_HALF_LABEL = "reference_half"
/**
 * `corrupt_db[k]`: the corrupting chain's magnitude response in dB at the k-th frequency of
 * responseGrid (src/ml/style/linear-response.ts), recorded when the whole corrupting chain
 * is linear (EQs and gains): what the style encoder's EQ teacher subtracts.
 */
export const CORRUPT_DB_LABEL = "corrupt_db"

export interface StylePair {
  readonly input: Signal
  readonly target: Signal
  /** The style chain's coordinates that made the target, one per free parameter. */
  readonly t: Float64Array
  readonly referenceHalf: 0 | 1
  readonly labels: Record<string, LabelValue>
}

/**
 * One pair from the clean `clip`: randomness from `rng` only (forks "corrupt", "style",
 * "half"), so a clip's pair depends on the seed and its own id, not on other clips.
 * `seed` seeds the style chain's own random effects (noise reverbs) through renderAt.
 */
export const makeStylePair = (
  clip: Signal,
  corrupt: ReadonlyArray<ChainItem>,
  style: ReadonlyArray<ChainItem>,
  free: ReadonlyArray<FreeParam>,
  rng: Rng,
  baseDir?: string
): StylePair => {
  const c = rng.fork("corrupt")
  const resolvedCorrupt = corrupt.length === 0 ? undefined : resolveChain(corrupt, c.fork("params"))
  const input = resolvedCorrupt === undefined ? clip : applyChain(clip, resolvedCorrupt, c.fork("effects"), baseDir)
  const s = rng.fork("style")
  const t = Float64Array.from(free, () => s.next())
  const styleSeed = Math.floor(s.next() * 2 ** 31)
  const target = renderAt(style, free, t, clip, styleSeed, baseDir)
  const referenceHalf: 0 | 1 = rng.fork("half").next() < 0.5 ? 0 : 1
  const units = namedValues(free, t)
  const labels: Record<string, LabelValue> = { [REFERENCE_HALF_LABEL]: referenceHalf }
  free.forEach((p, i) => {
    labels[T_LABEL_PREFIX + p.name] = t[i]!
    labels[UNITS_LABEL_PREFIX + p.name] = units[p.name]!
  })
  if (resolvedCorrupt !== undefined && linearHeadLength(resolvedCorrupt) === resolvedCorrupt.items.length) {
    const db = linearResponseDb(resolvedCorrupt, responseGrid(clip.sampleRate), clip.sampleRate)
    db.forEach((v, k) => (labels[`${CORRUPT_DB_LABEL}[${k}]`] = v))
  }
  return { input, target, t, referenceHalf, labels }
}

/** The free parameters of a style chain (throws ParamSpaceError as freeParams does). */
export const styleFreeParams = (style: ReadonlyArray<ChainItem>): FreeParam[] => freeParams(style)

/**
 * The known coordinates of a stored pair, read back from its labels in `free`'s order;
 * undefined entries where a label is missing (a pair set made with another chain).
 */
export const knownT = (labels: Readonly<Record<string, LabelValue>>, free: ReadonlyArray<FreeParam>): Array<number | undefined> =>
  free.map((p) => {
    const v = labels[T_LABEL_PREFIX + p.name]
    return typeof v === "number" ? v : undefined
  })

/** A stored pair's corrupting response (CORRUPT_DB_LABEL), dB on responseGrid; undefined where not recorded. */
export const corruptResponseDb = (labels: Readonly<Record<string, LabelValue>>): Float64Array | undefined => {
  const out = new Float64Array(RESPONSE_POINTS)
  for (let k = 0; k < RESPONSE_POINTS; k++) {
    const v = labels[`${CORRUPT_DB_LABEL}[${k}]`]
    if (typeof v !== "number") return undefined
    out[k] = v
  }
  return out
}

/**
 * The style encoder's EQ teacher: coordinates closer to the best correction of a style pair
 * than the known ones that made its target.
 *
 * A pair's input is the clean clip through a corrupting EQ C; its target the clip through
 * the style chain at known coordinates t (EQ S, then e.g. a compressor). Applying the style
 * chain at t to the input applies C and S: the ideal correction's EQ is S − C (dB). The
 * teacher fits the style chain's linear head (its leading EQ and gain items,
 * src/ml/style/linear-response.ts) to that curve on the log-frequency response grid — mean
 * squared dB error, Adam on the head's free coordinates with central differences, started
 * from t and from the middle of the range, the better kept — and leaves every other
 * coordinate (the compressor's) at its known value: after the corrected EQ the compressor
 * hears about what it heard in the style chain. No audio is rendered.
 */
import { resolveChain, type ChainItem, type ResolvedItem } from "../../effects/chain.js"
import { Rng } from "../../params/rng.js"
import { chainAt, setAt, toUnits, type FreeParam } from "../differentiable/param-space.js"
import { linearHeadLength, linearResponseDb, responseGrid } from "./linear-response.js"

/** Fit settings: Adam steps and step size on the [0, 1] coordinates. */
export interface TeacherOptions {
  readonly steps: number
  readonly learningRate: number
}

/** 60 Adam steps of 0.08 (on the EQ + compressor test pairs of configs/style-transfer.toml as good as 300 of 0.02, a fifth of the time). */
export const TEACHER_DEFAULTS: TeacherOptions = { steps: 60, learningRate: 0.08 }

/**
 * The teacher's coordinates for one pair: `t` (the known coordinates, in `free`'s order)
 * with the free parameters of `chain`'s linear head refitted so that its response matches
 * the style head's response at `t` minus `corruptDb` (dB on responseGrid(sampleRate)).
 * Returns a copy of `t` when the chain has no linear head with free parameters.
 * Deterministic; `seed` resolves any other distribution of the chain as renderAt does.
 */
export const eqTeacher = (
  chain: ReadonlyArray<ChainItem>,
  free: ReadonlyArray<FreeParam>,
  t: ArrayLike<number>,
  corruptDb: ArrayLike<number>,
  sampleRate: number,
  seed: number,
  o: TeacherOptions = TEACHER_DEFAULTS
): Float64Array => {
  const known = Float64Array.from(t)
  const resolved = resolveChain(chainAt(chain, free, known), new Rng(seed).fork("params"))
  const head = linearHeadLength(resolved)
  const searched = free.flatMap((p, i) => (p.item < head ? [i] : []))
  if (searched.length === 0) return known
  const grid = responseGrid(sampleRate)
  const style = linearResponseDb(resolved, grid, sampleRate, head)
  const goal = style.map((v, k) => v - corruptDb[k]!)
  // one private copy of the head's params, its searched values overwritten at every evaluation
  const items: ReadonlyArray<ResolvedItem> = resolved.items.slice(0, head).map((item) => ({ ...item, params: structuredClone(item.params) }))
  const loss = (x: Float64Array): number => {
    searched.forEach((i, j) => {
      const p = free[i]!
      setAt(items[p.item]!.params, p.path, toUnits(p, x[j]!))
    })
    const r = linearResponseDb({ items, drawn: {} }, grid, sampleRate, head)
    let s = 0
    for (let k = 0; k < r.length; k++) s += (r[k]! - goal[k]!) ** 2
    return s / r.length
  }
  const fit = (start: Float64Array): { x: Float64Array; value: number } => {
    const x = Float64Array.from(start)
    const m = new Float64Array(x.length)
    const v = new Float64Array(x.length)
    const h = 1e-4
    for (let step = 1; step <= o.steps; step++) {
      for (let j = 0; j < x.length; j++) {
        const keep = x[j]!
        x[j] = Math.min(1, keep + h)
        const up = loss(x)
        x[j] = Math.max(0, keep - h)
        const down = loss(x)
        const g = (up - down) / (Math.min(1, keep + h) - Math.max(0, keep - h))
        x[j] = keep
        m[j] = 0.9 * m[j]! + 0.1 * g
        v[j] = 0.999 * v[j]! + 0.001 * g * g
        const mHat = m[j]! / (1 - 0.9 ** step)
        const vHat = v[j]! / (1 - 0.999 ** step)
        x[j] = Math.min(1, Math.max(0, keep - (o.learningRate * mHat) / (Math.sqrt(vHat) + 1e-8)))
      }
    }
    return { x, value: loss(x) }
  }
  const fromKnown = fit(Float64Array.from(searched, (i) => known[i]!))
  const fromMiddle = fit(new Float64Array(searched.length).fill(0.5))
  const best = fromMiddle.value < fromKnown.value ? fromMiddle : fromKnown
  const out = Float64Array.from(known)
  searched.forEach((i, j) => (out[i] = best.x[j]!))
  return out
}

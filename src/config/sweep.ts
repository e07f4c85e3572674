import type { PathSegment } from "../params/toml-path.js"

/** One swept path and the values it takes, in the order given. */
export interface SweepAxis {
  readonly path: string
  readonly segments: ReadonlyArray<PathSegment>
  readonly values: ReadonlyArray<unknown>
  /** Where it was written, for messages: `sweep."stages.x.y"` or `--set stages.x.y=1,2`. */
  readonly where: string
}

/**
 * The cartesian grid of sweep axes. Axes go in sorted path order, the first one
 * varying slowest; values keep their given order — so variation numbers are stable
 * whatever order the config lists them in.
 */
export const expandGrid = (
  axes: ReadonlyArray<SweepAxis>
): { readonly axes: ReadonlyArray<SweepAxis>; readonly count: number; readonly at: (index: number) => Array<[SweepAxis, unknown]> } => {
  const sorted = [...axes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const count = sorted.reduce((n, a) => n * a.values.length, 1)
  const at = (index: number): Array<[SweepAxis, unknown]> => {
    const out: Array<[SweepAxis, unknown]> = new Array(sorted.length)
    let rest = index
    for (let k = sorted.length - 1; k >= 0; k--) {
      const a = sorted[k]!
      out[k] = [a, a.values[rest % a.values.length]]
      rest = Math.floor(rest / a.values.length)
    }
    return out
  }
  return { axes: sorted, count, at }
}

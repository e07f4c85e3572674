import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus"
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64"
import { createHash } from "node:crypto"

type Generator = ReturnType<typeof xoroshiro128plus>

/** 32-bit seed derived from any list of labels (pipeline seed, stage id, clip id, ...). */
export const deriveSeed = (...labels: ReadonlyArray<string | number>): number =>
  createHash("sha256").update(labels.map(String).join("\u0000")).digest().readUInt32LE(0)

/**
 * The only source of randomness in audioml: a seeded xoroshiro128+ stream (pure-rand).
 * `fork(label)` gives an independent stream whose values do not depend on how many
 * draws the parent made, so adding a draw in one place does not shift all others.
 */
export class Rng {
  private readonly gen: Generator
  private spareNormal: number | undefined = undefined

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed | 0)
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.gen)
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next()
  }

  /** Uniform integer in [low, high], both included. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1))
  }

  /** Gaussian by the Marsaglia polar method. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal
      this.spareNormal = undefined
      return mean + std * s
    }
    let u = 0
    let v = 0
    let s = 0
    do {
      u = this.next() * 2 - 1
      v = this.next() * 2 - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const m = Math.sqrt((-2 * Math.log(s)) / s)
    this.spareNormal = v * m
    return mean + std * u * m
  }

  pick<T>(items: ReadonlyArray<T>): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffle<T>(items: ReadonlyArray<T>): T[] {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      const tmp = out[i]!
      out[i] = out[j]!
      out[j] = tmp
    }
    return out
  }

  fork(label: string | number): Rng {
    return new Rng(deriveSeed(this.seed, label))
  }
}

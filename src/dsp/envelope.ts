/**
 * Envelope smoothers and level detectors for dynamics processors. All are one-pole
 * recursions y[n] = a y[n-1] + (1 - a) x[n] with a = exp(-1 / (tau * fs)): after a step
 * the output covers 1 - 1/e (63 %) of it in tau. They work on any scalar: linear
 * amplitude, power, or a gain reduction in dB (the log-domain detectors of Giannoulis,
 * Massberg & Reiss, "Digital Dynamic Range Compressor Design — A Tutorial and Analysis",
 * JAES 60(6), 2012). Small classes: V8 inlines `next` into the effects' sample loops.
 */

/** Pole of a one-pole smoother with time constant `ms` (0 ms: no smoothing). */
export const timeCoefficient = (ms: number, sampleRate: number): number =>
  ms <= 0 ? 0 : Math.exp(-1 / (ms * 0.001 * sampleRate))

/**
 * Smooth branching peak detector (Giannoulis et al. eq. 17): the `rising` coefficient
 * while the input is above the state, `falling` while it is below (for a compressor's
 * gain reduction: attack and release). When rising is the faster of the two, the right
 * update is always the larger of both candidates (and the smaller otherwise), so no
 * data-dependent branch is needed — mispredicted branches on noisy audio cost more than
 * the second multiply-add.
 */
export class BranchingSmoother {
  value = 0
  private readonly risingFaster: boolean
  constructor(
    private readonly rising: number,
    private readonly falling: number
  ) {
    this.risingFaster = rising <= falling
  }

  next(x: number): number {
    const y = this.value
    const up = this.rising * y + (1 - this.rising) * x
    const down = this.falling * y + (1 - this.falling) * x
    return (this.value = this.risingFaster ? Math.max(up, down) : Math.min(up, down))
  }
}

/**
 * Smooth decoupled peak detector (Giannoulis et al. eq. 19): a peak follower with
 * instant attack and exponential release, then an attack smoother. Its release time
 * does not stretch the attack, at the cost of a slightly slower effective attack.
 */
export class DecoupledSmoother {
  value = 0
  private peak = 0
  constructor(
    private readonly attack: number,
    private readonly release: number
  ) {}

  next(x: number): number {
    this.peak = Math.max(x, this.release * this.peak + (1 - this.release) * x)
    return (this.value = this.attack * this.value + (1 - this.attack) * this.peak)
  }
}

/** Peak envelope of |x|: instant attack, exponential release. */
export class PeakFollower {
  value = 0
  constructor(private readonly release: number) {}

  next(x: number): number {
    return (this.value = Math.max(Math.abs(x), this.release * this.value))
  }
}

/** Mean square of x over a one-pole window (its square root is the RMS level). */
export class MeanSquareDetector {
  value = 0
  constructor(private readonly coefficient: number) {}

  next(x: number): number {
    return (this.value = this.coefficient * this.value + (1 - this.coefficient) * x * x)
  }
}

/**
 * Envelope smoothers and level detectors for dynamics processors. All are one-pole
 * recursions y[n] = a y[n-1] + (1 - a) x[n] with a = exp(-1 / (tau * fs)): after a step
 * the output covers 1 - 1/e (63 %) of it in tau. They work on any scalar: linear
 * amplitude, power, or a gain reduction in dB (the log-domain detectors of Giannoulis,
 * Massberg & Reiss, "Digital Dynamic Range Compressor Design — A Tutorial and Analysis",
 * JAES 60(6), 2012).
 */

/** Pole of a one-pole smoother with time constant `ms` (0 ms: no smoothing). */
export const timeCoefficient = (ms: number, sampleRate: number): number =>
  ms <= 0 ? 0 : Math.exp(-1 / (ms * 0.001 * sampleRate))

/**
 * Smooth branching peak detector (Giannoulis et al. eq. 17): attack coefficient while
 * the input rises above the state, release coefficient while it falls.
 */
export class BranchingSmoother {
  value = 0
  constructor(
    private readonly attack: number,
    private readonly release: number
  ) {}

  next(x: number): number {
    const y = this.value
    const a = x > y ? this.attack : this.release
    return (this.value = a * y + (1 - a) * x)
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
    const released = this.release * this.peak + (1 - this.release) * x
    const p = x > released ? x : released
    this.peak = p
    return (this.value = this.attack * this.value + (1 - this.attack) * p)
  }
}

/** Peak envelope of |x|: instant attack, exponential release. */
export class PeakFollower {
  value = 0
  constructor(private readonly release: number) {}

  next(x: number): number {
    const r = x < 0 ? -x : x
    const decayed = this.release * this.value
    return (this.value = r > decayed ? r : decayed)
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

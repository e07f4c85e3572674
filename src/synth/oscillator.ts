/**
 * The synth's oscillators, with amsynth's five waveforms and shape semantics:
 * - sine;
 * - pulse: high for a fraction 0.5 + 0.5·min(shape, 0.9) of the cycle (shape 0 = square);
 * - saw: amsynth's "triangle / saw" morph: shape 1 = rising saw (0 at the cycle start, a
 *   jump from +1 to −1 half-way), shape 0 = triangle;
 * - noise: white, uniform in [−1, 1);
 * - random: sample & hold, a new uniform value every 1/f seconds.
 * Pulse and saw are band-limited with polyBLEP (steps) and polyBLAMP (corners), which is
 * where we depart from amsynth (it clamps slopes instead); hard sync resets the phase
 * without band-limiting. Plain typed-array code; nothing allocated per sample.
 */

/** amsynth's oscillator waveforms, by raw parameter value. */
export const OSC_SINE = 0
export const OSC_PULSE = 1
export const OSC_SAW = 2
export const OSC_NOISE = 3
export const OSC_RANDOM = 4

/** PolyBLEP residual (as in src/audio/generators/polyblep.ts): the 2-sample correction of an upward step of 2. */
const blep = (t: number, dt: number): number => {
  if (t < dt) {
    const x = t / dt
    return x + x - x * x - 1
  }
  if (t > 1 - dt) {
    const x = (t - 1) / dt
    return x * x + x + x + 1
  }
  return 0
}

/** PolyBLAMP residual: the corner (slope change) correction. */
const blamp = (t: number, dt: number): number => {
  if (t < dt) {
    const x = t / dt - 1
    return (-1 / 3) * x * x * x
  }
  if (t > 1 - dt) {
    const x = (t - 1) / dt + 1
    return (1 / 3) * x * x * x
  }
  return 0
}

const wrap = (t: number): number => t - Math.floor(t)

/** Seeded xorshift32 noise source (uniform in [−1, 1)); the seed comes from the caller's Rng. */
export class NoiseSource {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9
  }
  next(): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return this.state / 2147483648 - 1
  }
}

/** One audio-rate oscillator. */
export class SynthOscillator {
  /** Phase in cycles, [0, 1). */
  phase = 0
  private syncPhase = 0
  private held = 0
  private heldCount = Number.POSITIVE_INFINITY

  constructor(
    readonly sampleRate: number,
    private readonly noise: NoiseSource
  ) {}

  /** Back to phase 0, as at a note's start. */
  reset(): void {
    this.phase = 0
    this.syncPhase = 0
    this.heldCount = Number.POSITIVE_INFINITY
  }

  /**
   * Write `n` samples from `offset`: `waveform` (OSC_*), frequency `freq` Hz (clamped to
   * Nyquist), `shape` in [0, 1] (pulse width or saw↔triangle). When `syncFreq` > 0 the
   * phase restarts every 1/syncFreq seconds (hard sync to oscillator 1).
   */
  process(out: Float32Array, offset: number, n: number, waveform: number, freq: number, shape: number, syncFreq = 0): void {
    const fs = this.sampleRate
    const f = Math.min(Math.max(freq, 0), fs / 2)
    const dt = f / fs
    const end = offset + n
    switch (waveform) {
      case OSC_SINE:
        this.sine(out, offset, end, dt, syncFreq / fs)
        return
      case OSC_PULSE:
        this.pulse(out, offset, end, dt, shape, syncFreq / fs)
        return
      case OSC_SAW:
        this.saw(out, offset, end, dt, shape, syncFreq / fs)
        return
      case OSC_NOISE:
        for (let i = offset; i < end; i++) out[i] = this.noise.next()
        return
      default: {
        const period = f > 0 ? Math.floor(fs / f) : Number.POSITIVE_INFINITY
        for (let i = offset; i < end; i++) {
          if (this.heldCount > period) {
            this.heldCount = 0
            this.held = this.noise.next()
          }
          this.heldCount++
          out[i] = this.held
        }
      }
    }
  }

  private advance(dt: number, syncDt: number): void {
    this.phase += dt
    if (this.phase >= 1) this.phase -= Math.floor(this.phase)
    if (syncDt > 0) {
      this.syncPhase += syncDt
      if (this.syncPhase >= 1) {
        this.syncPhase -= 1
        this.phase = 0
      }
    }
  }

  private sine(out: Float32Array, start: number, end: number, dt: number, syncDt: number): void {
    const twoPi = 2 * Math.PI
    for (let i = start; i < end; i++) {
      out[i] = Math.sin(twoPi * this.phase)
      this.advance(dt, syncDt)
    }
  }

  private pulse(out: Float32Array, start: number, end: number, dt: number, shape: number, syncDt: number): void {
    // amsynth narrows the pulse-width range at high pitch (radians per sample above 0.3).
    const radsPer = 2 * Math.PI * dt
    const pwScale = radsPer < 0.3 ? 1 : 1 - (radsPer - 0.3) / 2
    const high = 0.5 + 0.5 * pwScale * Math.min(shape, 0.9)
    for (let i = start; i < end; i++) {
      const t = this.phase
      const naive = t < high ? 1 : -1
      out[i] = naive + (dt > 0 ? blep(t, dt) - blep(wrap(t - high), dt) : 0)
      this.advance(dt, syncDt)
    }
  }

  private saw(out: Float32Array, start: number, end: number, dt: number, shape: number, syncDt: number): void {
    // amsynth's morph: rises with slope 2/a over [0, a/2), falls over [a/2, 1 − a/2], rises again.
    const a = (Math.min(Math.max(shape, 0), 1) + 1) / 2
    const fall = 1 - a
    if (fall <= 2 * dt) {
      // (Nearly) a saw: one step of −2 at t = 0.5.
      for (let i = start; i < end; i++) {
        const t = this.phase
        const naive = t < 0.5 ? 2 * t : 2 * t - 2
        out[i] = naive - (dt > 0 ? blep(wrap(t - 0.5), dt) : 0)
        this.advance(dt, syncDt)
      }
      return
    }
    const c1 = a / 2
    const c2 = 1 - a / 2
    const up = 2 / a
    const down = -2 / fall
    const k = ((down - up) / 2) * dt // corner size: half the slope change per cycle, times dt
    for (let i = start; i < end; i++) {
      const t = this.phase
      const naive = t < c1 ? up * t : t > c2 ? (2 * t - 2) / a : (1 - 2 * t) / fall
      out[i] = naive + (dt > 0 ? k * (blamp(wrap(t - c1), dt) - blamp(wrap(t - c2), dt)) : 0)
      this.advance(dt, syncDt)
    }
  }
}

/** amsynth's LFO waveforms, by raw parameter value. */
export const LFO_SINE = 0
export const LFO_SQUARE = 1
export const LFO_TRIANGLE = 2
export const LFO_NOISE = 3
export const LFO_RANDOM = 4
export const LFO_SAW_UP = 5
export const LFO_SAW_DOWN = 6

/** The LFO: naive waveforms (it runs far below Nyquist), values in [−1, 1]. */
export class SynthLfo {
  private phase = 0
  private held = 0
  private heldCount = Number.POSITIVE_INFINITY
  constructor(
    readonly sampleRate: number,
    private readonly noise: NoiseSource
  ) {}

  /** Write `n` samples from `offset` at `freq` Hz. */
  process(out: Float32Array, offset: number, n: number, waveform: number, freq: number): void {
    const dt = Math.max(0, freq) / this.sampleRate
    const end = offset + n
    for (let i = offset; i < end; i++) {
      const t = this.phase
      let y: number
      switch (waveform) {
        case LFO_SINE:
          y = Math.sin(2 * Math.PI * t)
          break
        case LFO_SQUARE:
          y = t < 0.5 ? 1 : -1
          break
        case LFO_TRIANGLE:
          y = t < 0.25 ? 4 * t : t > 0.75 ? 4 * t - 4 : 2 - 4 * t
          break
        case LFO_NOISE:
          y = this.noise.next()
          break
        case LFO_RANDOM: {
          const period = dt > 0 ? Math.floor(1 / dt) : Number.POSITIVE_INFINITY
          if (this.heldCount > period) {
            this.heldCount = 0
            this.held = this.noise.next()
          }
          this.heldCount++
          y = this.held
          break
        }
        case LFO_SAW_UP:
          y = t < 0.5 ? 2 * t : 2 * t - 2
          break
        default:
          y = -(t < 0.5 ? 2 * t : 2 * t - 2)
      }
      out[i] = y
      this.phase += dt
      if (this.phase >= 1) this.phase -= Math.floor(this.phase)
    }
  }
}

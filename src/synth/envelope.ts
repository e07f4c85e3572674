/**
 * amsynth's envelope: linear segments. Note-on ramps from the current value to 1 over the
 * attack time (straight to the sustain level when the decay is at its 0.5 ms minimum),
 * then to the sustain level over the decay time, holds, and note-off ramps to 0 over the
 * release time. Segment lengths are ⌊time · rate⌋ frames; each frame outputs the value
 * before its increment, as amsynth does.
 */

const MINIMUM_TIME = 0.0005
const ATTACK = 0
const DECAY = 1
const SUSTAIN = 2
const RELEASE = 3
const OFF = 4

/** One ADSR envelope; times in seconds, sustain a level in [0, 1]. */
export class LinearAdsr {
  private state = OFF
  private value = 0
  private inc = 0
  private framesLeft = Number.POSITIVE_INFINITY

  constructor(
    readonly sampleRate: number,
    readonly attack: number,
    readonly decay: number,
    readonly sustain: number,
    readonly release: number
  ) {}

  /** Whether the envelope has finished its release. */
  get isOff(): boolean {
    return this.state === OFF
  }

  noteOn(): void {
    this.state = ATTACK
    this.framesLeft = Math.max(0, Math.floor(this.attack * this.sampleRate))
    const target = this.decay <= MINIMUM_TIME ? this.sustain : 1
    this.inc = this.framesLeft > 0 ? (target - this.value) / this.framesLeft : 0
    if (this.framesLeft === 0) this.next()
  }

  noteOff(): void {
    this.state = RELEASE
    this.framesLeft = Math.max(0, Math.floor(this.release * this.sampleRate))
    this.inc = this.framesLeft > 0 ? -this.value / this.framesLeft : 0
    if (this.framesLeft === 0) this.next()
  }

  private next(): void {
    switch (this.state) {
      case ATTACK:
        this.state = DECAY
        this.framesLeft = Math.max(0, Math.floor(this.decay * this.sampleRate))
        this.inc = this.framesLeft > 0 ? (this.sustain - this.value) / this.framesLeft : 0
        if (this.framesLeft === 0) this.next()
        break
      case DECAY:
        this.state = SUSTAIN
        this.value = this.sustain
        this.framesLeft = Number.POSITIVE_INFINITY
        this.inc = 0
        break
      case SUSTAIN:
        this.framesLeft = Number.POSITIVE_INFINITY
        break
      default:
        this.state = OFF
        this.value = 0
        this.framesLeft = Number.POSITIVE_INFINITY
        this.inc = 0
    }
  }

  /** Write `n` envelope values from `offset`. */
  process(out: Float32Array, offset: number, n: number): void {
    let i = offset
    const end = offset + n
    while (i < end) {
      const count = Math.min(end - i, this.framesLeft)
      const stop = i + count
      let v = this.value
      const inc = this.inc
      for (; i < stop; i++) {
        out[i] = v
        v += inc
      }
      this.value = v
      this.framesLeft -= count
      if (this.framesLeft === 0) this.next()
    }
  }
}

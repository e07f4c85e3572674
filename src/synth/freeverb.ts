/**
 * Jezar's Freeverb as amsynth runs it (external/freeverb, tuning.h): 8 parallel damped
 * comb filters and 4 series allpasses per channel, the right channel's delays 23 samples
 * longer, lengths scaled by rate/44100. amsynth mixes the reverb into the signal that is
 * already in its buffers, so the output is `in · (1 + dry) + wet`, with dry = 1 − wet.
 */

const COMBS = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617]
const ALLPASSES = [556, 441, 341, 225]
const STEREO_SPREAD = 23
const FIXED_GAIN = 0.015
const SCALE_DAMP = 0.4
const SCALE_ROOM = 0.28
const OFFSET_ROOM = 0.7
const ALLPASS_FEEDBACK = 0.5
/** The de-zipper's one-pole coefficient per sample (amsynth: 0.005). */
const SMOOTH = 0.005

/** Delay lines, each processed a block at a time (a tight loop per line is what V8 runs fast). */
class Lines {
  readonly bufs: Float32Array[]
  readonly idx: Int32Array
  readonly store: Float64Array
  constructor(lengths: ReadonlyArray<number>) {
    this.bufs = lengths.map((n) => new Float32Array(Math.max(1, n)))
    this.idx = new Int32Array(lengths.length)
    this.store = new Float64Array(lengths.length)
  }
}

/** Add the damped comb `k` of `lines`, fed by `input`, into `acc`. */
const combInto = (lines: Lines, k: number, input: Float32Array, acc: Float32Array, n: number, feedback: number, damp1: number, damp2: number): void => {
  const buf = lines.bufs[k]!
  const len = buf.length
  let idx = lines.idx[k]!
  let store = lines.store[k]!
  for (let i = 0; i < n; i++) {
    const out = buf[idx]!
    store = out * damp2 + store * damp1
    buf[idx] = input[i]! + store * feedback
    if (++idx >= len) idx = 0
    acc[i]! += out
  }
  lines.idx[k] = idx
  lines.store[k] = store
}

/** Run the allpass `k` of `lines` over `x` in place. */
const allpassInPlace = (lines: Lines, k: number, x: Float32Array, n: number): void => {
  const buf = lines.bufs[k]!
  const len = buf.length
  let idx = lines.idx[k]!
  for (let i = 0; i < n; i++) {
    const b = buf[idx]!
    const v = x[i]!
    buf[idx] = v + b * ALLPASS_FEEDBACK
    if (++idx >= len) idx = 0
    x[i] = b - v
  }
  lines.idx[k] = idx
}

/** One stereo Freeverb with amsynth's parameter mapping (all in [0, 1]). */
export class Freeverb {
  private readonly combsL: Lines
  private readonly combsR: Lines
  private readonly apL: Lines
  private readonly apR: Lines
  private readonly feedback: number
  private readonly damp1: number
  private readonly damp2: number
  private readonly wet1: number
  private readonly wet2: number
  private readonly dry: number
  // De-zippered gains start where a fresh amsynth instance starts them (0).
  private dryZ = 0
  private wet1Z = 0
  private wet2Z = 0
  private feed = new Float32Array(0)
  private accL = new Float32Array(0)
  private accR = new Float32Array(0)

  constructor(sampleRate: number, roomSize: number, damp: number, wet: number, width: number) {
    const scale = (n: number) => Math.floor((n * sampleRate) / 44100)
    this.combsL = new Lines(COMBS.map((n) => scale(n)))
    this.combsR = new Lines(COMBS.map((n) => scale(n + STEREO_SPREAD)))
    this.apL = new Lines(ALLPASSES.map((n) => scale(n)))
    this.apR = new Lines(ALLPASSES.map((n) => scale(n + STEREO_SPREAD)))
    this.feedback = roomSize * SCALE_ROOM + OFFSET_ROOM
    this.damp1 = damp * SCALE_DAMP
    this.damp2 = 1 - this.damp1
    this.wet1 = wet * (width / 2 + 0.5)
    this.wet2 = wet * ((1 - width) / 2)
    this.dry = 1 - wet
  }

  /** Mono in, stereo out: outL/outR[i] = in[i] · (1 + dry) + reverb. */
  process(input: Float32Array, outL: Float32Array, outR: Float32Array, n: number): void {
    if (this.feed.length < n) {
      this.feed = new Float32Array(n)
      this.accL = new Float32Array(n)
      this.accR = new Float32Array(n)
    }
    const { feed, accL, accR, feedback, damp1, damp2 } = this
    for (let i = 0; i < n; i++) feed[i] = 2 * input[i]! * FIXED_GAIN // amsynth feeds (L + R) · gain with L = R
    accL.fill(0, 0, n)
    accR.fill(0, 0, n)
    for (let c = 0; c < COMBS.length; c++) {
      combInto(this.combsL, c, feed, accL, n, feedback, damp1, damp2)
      combInto(this.combsR, c, feed, accR, n, feedback, damp1, damp2)
    }
    for (let a = 0; a < ALLPASSES.length; a++) {
      allpassInPlace(this.apL, a, accL, n)
      allpassInPlace(this.apR, a, accR, n)
    }
    for (let i = 0; i < n; i++) {
      const x = input[i]!
      const d = (this.dryZ += (this.dry - this.dryZ) * SMOOTH)
      const w1 = (this.wet1Z += (this.wet1 - this.wet1Z) * SMOOTH)
      const w2 = (this.wet2Z += (this.wet2 - this.wet2Z) * SMOOTH)
      outL[i] = x + accL[i]! * w1 + accR[i]! * w2 + x * d
      outR[i] = x + accR[i]! * w1 + accL[i]! * w2 + x * d
    }
  }

  /** The same when wet = 0: no reverb, only the dry gain ramp. */
  processDry(input: Float32Array, outL: Float32Array, outR: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
      const d = (this.dryZ += (this.dry - this.dryZ) * SMOOTH)
      const y = input[i]! * (1 + d)
      outL[i] = y
      outR[i] = y
    }
  }
}

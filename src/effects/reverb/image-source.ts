import { DEFAULT_FRACTIONAL_DELAY_TAPS, FractionalDelayKernel } from "../../dsp/fractional-delay.js"
import type { Rng } from "../../params/rng.js"
import { airAbsorption, speedOfSound } from "./materials.js"
import { combineBands, OCTAVE_BANDS, OCTAVE_CENTRES_HZ } from "./octave-bands.js"
import { fitDecay } from "../../dsp/schroeder.js"
import {
  absorptionForRt60,
  decayRates,
  predictRt60,
  resolveAbsorption,
  type AbsorptionSpec,
  type AbsorptionTable,
  MAX_INVERTED_ABSORPTION,
  type Rt60Formula
} from "./room-acoustics.js"
import { lateTail } from "./late-tail.js"
import { DataError, InvariantViolation, ParameterError } from "../../errors/audioml-error.js"

export type Vec3 = readonly [number, number, number]
export type Rt60Method = "auto" | "image_source" | Rt60Formula

export interface RoomImpulseResponseOptions {
  readonly sampleRate: number
  /** Room size [x, y, z] in metres. */
  readonly roomDim: Vec3
  /** Source and microphone positions in metres, strictly inside the room. */
  readonly source: Vec3
  readonly mic: Vec3
  /** Wall absorption; when neither this nor `rt60` is given, 0.25 on every wall. */
  readonly absorption?: AbsorptionSpec | undefined
  /** Target reverberation time (s): sets a uniform absorption per octave band instead. */
  readonly rt60?: number | undefined
  /**
   * How `rt60` becomes absorption: "image_source" solves for the absorption at which the
   * rendered image-source response has the target T30; "eyring" / "sabine" invert the
   * closed-form formulas (pyroomacoustics' inverse_sabine is "sabine"). "auto" (default):
   * "eyring" with the late tail (which decays at exactly the Eyring rate), else "image_source".
   */
  readonly rt60Method?: Rt60Method | undefined
  /** Highest reflection order; default: enough for the decay to −45 dB (or the late-tail start), at most 60. */
  readonly maxOrder?: number | undefined
  readonly airAbsorption?: boolean | undefined
  readonly temperatureC?: number | undefined
  readonly humidity?: number | undefined
  /** Uniform random displacement of every image but the direct path, ±jitterM metres per axis. */
  readonly jitterM?: number | undefined
  /** Replace the image-source response after `lateTailStartMs` (after the direct sound) by decaying noise. */
  readonly lateTail?: boolean | undefined
  readonly lateTailStartMs?: number | undefined
  /** Randomness for jitter and the late tail (required when either is on). */
  readonly rng?: Rng | undefined
  readonly fractionalDelayTaps?: number | undefined
}

export interface RoomImpulseResponse {
  /** The impulse response; an image at distance r has amplitude 1/r (reflections and air absorption aside). */
  readonly ir: Float32Array
  readonly sampleRate: number
  readonly speedOfSound: number
  readonly maxOrder: number
  readonly imageCount: number
  readonly directDistance: number
  /** Arrival time of the direct sound, in (fractional) samples: distance / c · sample rate. */
  readonly directDelaySamples: number
  /** α per wall (west, east, south, north, floor, ceiling) per octave band. */
  readonly absorption: AbsorptionTable
  /** Eyring–Millington RT60 per octave band with air absorption (s). */
  readonly predictedRt60: Float64Array
  /** First sample of the crossfade into the late tail, or null without a tail. */
  readonly tailStartSample: number | null
}

export const DEFAULT_ABSORPTION = 0.25
export const MAX_AUTO_ORDER = 60
/** Cutoff of the high-pass that removes the image sum's DC build-up (Allen & Berkley). */
export const DC_HIGHPASS_HZ = 20

const validatePosition = (name: string, p: Vec3, dims: Vec3): void => {
  if (!Array.isArray(p) || p.length !== 3 || p.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new ParameterError({ parameter: `${name}`, message: `${name}: expected a position [x, y, z] in metres, got ${JSON.stringify(p)}` })
  }
  const axes = ["x", "y", "z"]
  for (let i = 0; i < 3; i++) {
    if (!(p[i]! > 0 && p[i]! < dims[i]!)) {
      throw new ParameterError({ parameter: `${name}`, message: `${name}: position [${p.map((v) => +v.toFixed(4)).join(", ")}] m is outside the room [${dims.join(", ")}] m ` +
          `(${axes[i]} must be strictly between 0 and ${dims[i]})` })
    }
  }
}

interface AxisImages {
  /** Image coordinate minus the mic coordinate, per image along this axis. */
  readonly offset: Float64Array
  /** Reflection count along this axis (entries sorted by it). */
  readonly order: Int32Array
  /** Product of the two walls' reflection coefficients per band, [entry * bands + b]. */
  readonly gain: Float64Array
}

/**
 * Images along one axis (Allen & Berkley): position (1 − 2p)·s + 2nL has |n − p|
 * reflections on the wall at 0 and |n| on the wall at L.
 */
const axisImages = (L: number, s: number, m: number, maxOrder: number, betaLo: Float64Array, betaHi: Float64Array): AxisImages => {
  const items: Array<{ offset: number; order: number; lo: number; hi: number }> = []
  const nMax = Math.ceil(maxOrder / 2) + 1
  for (let n = -nMax; n <= nMax; n++) {
    for (let p = 0; p <= 1; p++) {
      const lo = Math.abs(n - p)
      const hi = Math.abs(n)
      if (lo + hi > maxOrder) continue
      items.push({ offset: (1 - 2 * p) * s + 2 * n * L - m, order: lo + hi, lo, hi })
    }
  }
  items.sort((a, b) => a.order - b.order || a.offset - b.offset)
  const bands = OCTAVE_BANDS
  const gain = new Float64Array(items.length * bands)
  items.forEach((it, i) => {
    for (let b = 0; b < bands; b++) gain[i * bands + b] = betaLo[b]! ** it.lo * betaHi[b]! ** it.hi
  })
  return { offset: Float64Array.from(items, (i) => i.offset), order: Int32Array.from(items, (i) => i.order), gain }
}

/** Radius (m) inside which every image of order ≤ N is present: Σ_i k_i ≤ r·‖1/L‖ + 3. */
const completeRadius = (dims: Vec3, order: number): number =>
  (order - 3) / Math.hypot(1 / dims[0], 1 / dims[1], 1 / dims[2])

const orderForRadius = (dims: Vec3, radius: number): number =>
  Math.ceil(radius * Math.hypot(1 / dims[0], 1 / dims[1], 1 / dims[2])) + 3

/**
 * Energy of the image-source response by arrival time (1 ms bins) and total reflection
 * order: hist[k·bins + t] = Σ 1/d² over images of order k arriving in bin t — the same
 * image set the response is rendered from, so its decay is the rendered one's.
 */
const orderTimeHistogram = (dims: Vec3, source: Vec3, mic: Vec3, c: number, order: number) => {
  const binRate = 1000
  const one = new Float64Array(OCTAVE_BANDS).fill(1)
  const ax = axisImages(dims[0], source[0], mic[0], order, one, one)
  const ay = axisImages(dims[1], source[1], mic[1], order, one, one)
  const az = axisImages(dims[2], source[2], mic[2], order, one, one)
  const radius = Math.hypot(Math.max(...ax.offset.map(Math.abs)), Math.max(...ay.offset.map(Math.abs)), Math.max(...az.offset.map(Math.abs)))
  const bins = Math.max(1, Math.ceil((radius / c) * binRate) + 1)
  const hist = new Float64Array((order + 1) * bins)
  const toBin = binRate / c
  for (let i = 0; i < ax.offset.length; i++) {
    const dx2 = ax.offset[i]! ** 2
    for (let j = 0; j < ay.offset.length; j++) {
      const kij = ax.order[i]! + ay.order[j]!
      if (kij > order) break
      const dxy2 = dx2 + ay.offset[j]! ** 2
      for (let k = 0; k < az.offset.length; k++) {
        const kk = kij + az.order[k]!
        if (kk > order) break
        const d2 = dxy2 + az.offset[k]! ** 2
        const bin = Math.floor(Math.sqrt(d2) * toBin)
        if (bin < bins) hist[kk * bins + bin] += 1 / d2
      }
    }
  }
  return { hist, bins, binRate }
}

/** T30 (or T20 when −35 dB is not reached) of binned energies by Schroeder integration. */
const histogramRt60 = (energy: Float64Array, binRate: number): number => {
  const edc = new Float64Array(energy.length)
  let acc = 0
  for (let i = energy.length - 1; i >= 0; i--) edc[i] = acc += energy[i]!
  for (let i = 0; i < edc.length; i++) edc[i] = 10 * Math.log10(edc[i]! / acc)
  try {
    return fitDecay(edc, binRate, -5, -35).rt60
  } catch {
    return fitDecay(edc, binRate, -5, -25).rt60
  }
}

/**
 * Uniform absorption per octave band for which the rendered image-source response (all
 * images up to `order`) has the target RT60 (Schroeder T30 of its energy), by bisection
 * on α. A specular shoebox decays more slowly than Eyring predicts (axial and tangential
 * paths meet few walls: T30 comes out 20–50 % long), so the closed-form inversions are
 * off for the pure image-source response; this one is not.
 */
const absorptionForRt60ImageSource = (
  dims: Vec3,
  source: Vec3,
  mic: Vec3,
  rt60: number,
  c: number,
  air: ReadonlyArray<number> | null,
  order: number
): AbsorptionTable => {
  const { hist, bins, binRate } = orderTimeHistogram(dims, source, mic, c, order)
  const energy = new Float64Array(bins)
  const airGain = new Float64Array(bins)
  const rt60At = (a: number): number => {
    const q = 1 - a
    for (let t = 0; t < bins; t++) {
      let e = 0
      for (let k = order; k >= 0; k--) e = e * q + hist[k * bins + t]!
      energy[t] = e * airGain[t]!
    }
    return histogramRt60(energy, binRate)
  }
  const alpha = new Float64Array(OCTAVE_BANDS)
  for (let b = 0; b < OCTAVE_BANDS; b++) {
    const m = air ? air[b]! : 0
    for (let t = 0; t < bins; t++) airGain[t] = Math.exp((-m * c * (t + 0.5)) / binRate)
    if (rt60At(0) <= rt60) continue // air alone (or the room) already decays faster
    if (rt60At(MAX_INVERTED_ABSORPTION) > rt60) {
      const dimText = dims.map((d) => +d.toFixed(3)).join(" × ")
      throw new DataError({ message: `rt60: ${rt60} s is too short for a ${dimText} m room: even wall absorption ${MAX_INVERTED_ABSORPTION} gives ` +
          `${+rt60At(MAX_INVERTED_ABSORPTION).toFixed(3)} s at ${OCTAVE_CENTRES_HZ[b]} Hz` })
    }
    let lo = 0
    let hi = MAX_INVERTED_ABSORPTION
    for (let it = 0; it < 24; it++) {
      const mid = 0.5 * (lo + hi)
      if (rt60At(mid) > rt60) lo = mid
      else hi = mid
    }
    alpha[b] = 0.5 * (lo + hi)
  }
  return WALL_COUNT_ARRAY.map(() => alpha)
}

const WALL_COUNT_ARRAY = [0, 1, 2, 3, 4, 5]

/**
 * Room impulse response of a shoebox by the image-source method (Allen & Berkley 1979),
 * with per-wall, per-octave absorption, distance-dependent air absorption, windowed-sinc
 * fractional-delay placement, optional image jitter and an optional stochastic late tail.
 *
 * Per-octave absorption: images are accumulated into one buffer per octave band with
 * that band's gains, each buffer is weighted by its octave crossover (zero-phase,
 * weights summing to 1) and the bands summed — the pyroomacoustics construction. Air
 * absorption depends only on path length = c·t, so it is applied as a per-band gain
 * exp(−m·c·t/2) over time instead of per image, and rooms whose walls are flat across
 * frequency place each image once.
 */
export const roomImpulseResponse = (o: RoomImpulseResponseOptions): RoomImpulseResponse => {
  const fs = o.sampleRate
  if (!(fs > 0)) throw new ParameterError({ parameter: "sample rate", message: `sample rate must be positive, got ${fs}` })
  const dims = o.roomDim
  if (!Array.isArray(dims) || dims.length !== 3 || dims.some((v) => typeof v !== "number" || !(v > 0) || !Number.isFinite(v))) {
    throw new ParameterError({ parameter: "room_dim", message: `room_dim: expected [x, y, z] with positive lengths in metres, got ${JSON.stringify(dims)}` })
  }
  validatePosition("source", o.source, dims)
  validatePosition("mic", o.mic, dims)
  const directDistance = Math.hypot(o.source[0] - o.mic[0], o.source[1] - o.mic[1], o.source[2] - o.mic[2])
  if (directDistance < 1e-3) throw new DataError({ message: "source and mic are at the same position (they must be at least 1 mm apart)" })
  const temperatureC = o.temperatureC ?? 20
  const c = speedOfSound(temperatureC)
  const air = (o.airAbsorption ?? true) ? airAbsorption(temperatureC, o.humidity ?? 50) : null
  if (o.absorption !== undefined && o.rt60 !== undefined) {
    throw new ParameterError({ parameter: "absorption and rt60 are exclusive", message: "absorption and rt60 are exclusive: give the wall absorption or a target rt60, not both" })
  }
  if (o.rt60 !== undefined && !(o.rt60 > 0)) throw new ParameterError({ parameter: "rt60", message: `rt60: must be > 0 s, got ${o.rt60}` })
  const jitter = o.jitterM ?? 0
  if (!(jitter >= 0)) throw new ParameterError({ parameter: "jitter_m", message: `jitter_m: must be >= 0, got ${jitter}` })
  const useTail = o.lateTail ?? false
  if ((jitter > 0 || useTail) && o.rng === undefined) throw new InvariantViolation("roomImpulseResponse: an rng is required for jitter or the late tail")
  const kernel = new FractionalDelayKernel(o.fractionalDelayTaps ?? DEFAULT_FRACTIONAL_DELAY_TAPS)
  const half = (kernel.taps - 1) / 2

  const directDelaySamples = (directDistance / c) * fs
  // Late tail timing (samples from emission).
  let tailStart = 0
  let tailFade = 0
  if (useTail) {
    const startMs = o.lateTailStartMs ?? 80
    if (!(startMs > 0)) throw new ParameterError({ parameter: "late_tail_start_ms", message: `late_tail_start_ms: must be > 0, got ${startMs}` })
    tailStart = directDelaySamples + (startMs / 1000) * fs
    tailFade = Math.max(0.005 * fs, 0.25 * (startMs / 1000) * fs)
  }
  const method = o.rt60Method ?? "auto"
  const solveNumerically = o.rt60 !== undefined && (method === "image_source" || (method === "auto" && !useTail))
  let alpha: AbsorptionTable =
    o.rt60 !== undefined
      ? absorptionForRt60(dims, o.rt60, c, air, method === "sabine" ? "sabine" : "eyring")
      : resolveAbsorption(o.absorption ?? DEFAULT_ABSORPTION)
  let maxOrder: number
  if (o.maxOrder !== undefined) {
    if (!Number.isInteger(o.maxOrder) || o.maxOrder < 0) throw new ParameterError({ parameter: "max_order", message: `max_order: must be an integer >= 0, got ${o.maxOrder}` })
    maxOrder = o.maxOrder
  } else if (useTail) {
    maxOrder = Math.min(MAX_AUTO_ORDER, Math.max(1, orderForRadius(dims, ((tailStart + tailFade) / fs) * c)))
  } else {
    const decayTime = o.rt60 ?? Math.max(...predictRt60(dims, alpha, c, air).filter(Number.isFinite), 0.01)
    maxOrder = Math.min(MAX_AUTO_ORDER, Math.max(1, orderForRadius(dims, 0.75 * decayTime * c)))
  }
  if (solveNumerically) alpha = absorptionForRt60ImageSource(dims, o.source, o.mic, o.rt60!, c, air, maxOrder)
  const predictedRt60 = predictRt60(dims, alpha, c, air)
  const rates = decayRates(dims, alpha, c, air)
  const slowest = Math.max(...predictedRt60.filter(Number.isFinite), 0.01)
  if (useTail) {
    // Start the tail no later than the point where the image set is still complete.
    const complete = (completeRadius(dims, maxOrder) / c) * fs
    tailStart = Math.max(directDelaySamples + half + 1, Math.min(tailStart, complete - tailFade))
  }

  const beta = alpha.map((a) => a.map((x) => Math.sqrt(1 - x)))
  const ax = axisImages(dims[0], o.source[0], o.mic[0], maxOrder, beta[0]!, beta[1]!)
  const ay = axisImages(dims[1], o.source[1], o.mic[1], maxOrder, beta[2]!, beta[3]!)
  const az = axisImages(dims[2], o.source[2], o.mic[2], maxOrder, beta[4]!, beta[5]!)
  const flatWalls = alpha.every((a) => a.every((x) => x === a[0]))

  // Length of the image-source part.
  const tailEnd = useTail ? Math.ceil(tailStart + tailFade) + half + 1 : Infinity
  let maxDist = 0
  {
    const mx = Math.max(...ax.offset.map(Math.abs))
    const my = Math.max(...ay.offset.map(Math.abs))
    const mz = Math.max(...az.offset.map(Math.abs))
    maxDist = Math.hypot(mx, my, mz) + Math.sqrt(3) * jitter
  }
  const ismLength = Math.min(tailEnd, Math.ceil((maxDist / c) * fs) + half + 2)
  const totalLength = useTail ? Math.max(ismLength, Math.ceil(Math.max(slowest, tailEnd / fs) * fs) + 1) : ismLength

  const bandCount = flatWalls ? 1 : OCTAVE_BANDS
  const buffers = Array.from({ length: bandCount }, () => new Float64Array(ismLength))
  const jitterRng = jitter > 0 ? o.rng!.fork("jitter") : undefined
  const scale = fs / c
  const B = OCTAVE_BANDS
  const gx = ax.gain
  const gy = ay.gain
  const gz = az.gain
  const maxTau = ismLength - 1
  let imageCount = 0
  for (let i = 0; i < ax.offset.length; i++) {
    const ki = ax.order[i]!
    for (let j = 0; j < ay.offset.length; j++) {
      const kij = ki + ay.order[j]!
      if (kij > maxOrder) break
      for (let k = 0; k < az.offset.length; k++) {
        const kijk = kij + az.order[k]!
        if (kijk > maxOrder) break
        let dx = ax.offset[i]!
        let dy = ay.offset[j]!
        let dz = az.offset[k]!
        if (jitterRng !== undefined && kijk > 0) {
          dx += jitterRng.uniform(-jitter, jitter)
          dy += jitterRng.uniform(-jitter, jitter)
          dz += jitterRng.uniform(-jitter, jitter)
        }
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz)
        const tau = d * scale
        if (tau - half > maxTau) continue
        imageCount++
        kernel.compute(tau)
        const inv = 1 / d
        if (bandCount === 1) {
          kernel.addTo(buffers[0]!, gx[i * B]! * gy[j * B]! * gz[k * B]! * inv)
        } else {
          for (let b = 0; b < B; b++) kernel.addTo(buffers[b]!, gx[i * B + b]! * gy[j * B + b]! * gz[k * B + b]! * inv)
        }
      }
    }
  }

  // Per-band signals before the crossover (shared when walls are flat and air is off).
  const bandSignals: Float64Array[] = []
  for (let b = 0; b < B; b++) {
    const src = buffers[bandCount === 1 ? 0 : b]!
    if (air === null) {
      bandSignals.push(src)
      continue
    }
    const band = bandCount === 1 ? new Float64Array(src) : src
    // Amplitude exp(−m·d/2) with d = c·n/fs, by a running product.
    const step = Math.exp((-0.5 * air[b]! * c) / fs)
    let g = 1
    for (let n = 0; n < band.length; n++) {
      band[n]! *= g
      g *= step
    }
    bandSignals.push(band)
  }
  // All image gains are positive, so the image sum has a large DC component that grows
  // with the image density; Allen & Berkley remove it with a high-pass, and so do we.
  const ism = combineBands(bandSignals, fs, "amplitude", ismLength, DC_HIGHPASS_HZ)

  const out = new Float32Array(totalLength)
  if (!useTail) {
    for (let n = 0; n < ismLength; n++) out[n] = ism[n]!
  } else {
    // Tail level per band: the diffuse-field expectation 4πc/(V·fs)·exp(−λt), rescaled to
    // the image-source energy just before the crossfade so the two parts join smoothly.
    const V = dims[0] * dims[1] * dims[2]
    const level0 = (4 * Math.PI * c) / (V * fs)
    const w1 = Math.min(ismLength, Math.floor(tailStart))
    const w0 = Math.max(Math.ceil(directDelaySamples) + half + 1, Math.floor(tailStart - Math.max(tailFade, 0.02 * fs)))
    const levels = new Float64Array(B)
    for (let b = 0; b < B; b++) {
      levels[b] = level0
      if (w1 - w0 < 0.001 * fs) continue
      // Energy about the window mean: the DC build-up is removed by the high-pass.
      const sig = bandSignals[b]!
      let mean = 0
      for (let n = w0; n < w1; n++) mean += sig[n]!
      mean /= w1 - w0
      let eIsm = 0
      let eTheory = 0
      for (let n = w0; n < w1; n++) {
        eIsm += (sig[n]! - mean) ** 2
        eTheory += level0 * Math.exp((-rates[b]! * n) / fs)
      }
      if (eIsm > 0 && eTheory > 0) levels[b] = (level0 * eIsm) / eTheory
    }
    const tail = lateTail({ length: totalLength, start: Math.floor(tailStart), sampleRate: fs, rates, levels, rng: o.rng!.fork("late-tail") })
    for (let n = 0; n < totalLength; n++) {
      const r = (n - tailStart) / tailFade
      const early = n < ismLength ? ism[n]! : 0
      if (r <= 0) out[n] = early
      else if (r >= 1) out[n] = tail[n]!
      else {
        // Power-complementary crossfade: the two parts are uncorrelated.
        const a = (Math.PI / 2) * r
        out[n] = early * Math.cos(a) + tail[n]! * Math.sin(a)
      }
    }
  }
  return {
    ir: out,
    sampleRate: fs,
    speedOfSound: c,
    maxOrder,
    imageCount,
    directDistance,
    directDelaySamples,
    absorption: alpha,
    predictedRt60,
    tailStartSample: useTail ? tailStart : null
  }
}

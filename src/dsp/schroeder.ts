import { DataError } from "../errors/audioml-error.js"
/**
 * Reverberation time from an impulse response by Schroeder backward integration
 * (ISO 3382-1): the energy decay curve EDC(t) = ∫_t^∞ h²(τ) dτ, in dB re its start,
 * and a least-squares line fitted between two levels (T20: −5 to −25 dB, T30: −5 to
 * −35 dB), extrapolated to −60 dB.
 */

/** Energy decay curve in dB (0 dB at index 0); −Infinity once the energy is exhausted. */
export const schroederCurve = (ir: ArrayLike<number>): Float64Array => {
  const n = ir.length
  const edc = new Float64Array(n)
  let acc = 0
  for (let i = n - 1; i >= 0; i--) {
    const v = ir[i]!
    acc += v * v
    edc[i] = acc
  }
  const total = acc
  if (!(total > 0)) throw new DataError({ message: "impulse response has no energy" })
  for (let i = 0; i < n; i++) edc[i] = 10 * Math.log10(edc[i]! / total)
  return edc
}

export interface DecayFit {
  /** Seconds to decay by 60 dB, extrapolated from the fitted slope. */
  readonly rt60: number
  /** Fitted slope in dB per second (negative). */
  readonly slopeDbPerSecond: number
  /** Coefficient of determination of the fit (1 = perfectly exponential decay). */
  readonly r2: number
}

/**
 * Fit the EDC between `fromDb` and `toDb` (e.g. −5 and −35 for T30). Throws when the
 * curve never reaches `toDb` (IR too short or too noisy for that range).
 */
export const fitDecay = (edcDb: ArrayLike<number>, sampleRate: number, fromDb = -5, toDb = -35): DecayFit => {
  let i0 = -1
  let i1 = -1
  for (let i = 0; i < edcDb.length; i++) {
    if (i0 < 0 && edcDb[i]! <= fromDb) i0 = i
    if (edcDb[i]! <= toDb) {
      i1 = i
      break
    }
  }
  if (i0 < 0 || i1 < 0 || i1 - i0 < 2) {
    throw new DataError({ message: `energy decay curve does not fall from ${fromDb} dB to ${toDb} dB: impulse response too short` })
  }
  const n = i1 - i0 + 1
  let sx = 0
  let sy = 0
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = i0; i <= i1; i++) {
    const x = i / sampleRate
    const y = edcDb[i]!
    sx += x
    sy += y
    sxx += x * x
    sxy += x * y
    syy += y * y
  }
  const cov = sxy - (sx * sy) / n
  const varX = sxx - (sx * sx) / n
  const varY = syy - (sy * sy) / n
  const slope = cov / varX
  const r2 = varY > 0 ? (cov * cov) / (varX * varY) : 1
  return { rt60: -60 / slope, slopeDbPerSecond: slope, r2 }
}

/** RT60 of an impulse response by T30 (default) or T20 (`toDb = −25`). */
export const reverberationTime = (ir: ArrayLike<number>, sampleRate: number, fromDb = -5, toDb = -35): DecayFit =>
  fitDecay(schroederCurve(ir), sampleRate, fromDb, toDb)

import { MATERIALS, MATERIAL_NAMES, type MaterialName } from "./materials.js"
import { OCTAVE_BANDS, OCTAVE_CENTRES_HZ } from "./octave-bands.js"
import { DataError, ParameterError } from "../../errors/audioml-error.js"

/** The six walls of a shoebox [Lx, Ly, Lz], in image-source order: x=0, x=Lx, y=0, y=Ly, z=0, z=Lz. */
export const WALLS = ["west", "east", "south", "north", "floor", "ceiling"] as const
export type Wall = (typeof WALLS)[number]

/** One wall's absorption: a number (all bands), 7 per-octave values, or a material name. */
export type WallAbsorption = number | ReadonlyArray<number> | MaterialName
/** The same for every wall, or per wall. */
export type AbsorptionSpec = WallAbsorption | { readonly [W in Wall]: WallAbsorption }

/** Energy absorption α per wall (6) per octave band (7). */
export type AbsorptionTable = ReadonlyArray<Float64Array>

/** Largest α used in the decay formulas: α = 1 would make ln(1 − α) infinite. */
const ALPHA_CEIL = 0.9999
const SIX_LN10 = 6 * Math.LN10

const resolveWall = (spec: unknown, path: string): Float64Array => {
  const out = new Float64Array(OCTAVE_BANDS)
  if (typeof spec === "number") {
    if (!(spec >= 0 && spec <= 1)) throw new ParameterError({ parameter: `${path}`, message: `${path}: absorption must be in [0, 1], got ${spec}` })
    out.fill(spec)
  } else if (typeof spec === "string") {
    const m = (MATERIALS as Record<string, { coeffs: ReadonlyArray<number> }>)[spec]
    if (m === undefined) throw new ParameterError({ parameter: `${path}`, message: `${path}: unknown material "${spec}"; known materials: ${MATERIAL_NAMES.join(", ")}` })
    out.set(m.coeffs)
  } else if (Array.isArray(spec)) {
    if (spec.length !== OCTAVE_BANDS) {
      throw new ParameterError({ parameter: `${path}`, message: `${path}: a per-octave absorption list needs ${OCTAVE_BANDS} values (${OCTAVE_CENTRES_HZ.join(", ")} Hz), got ${spec.length}` })
    }
    spec.forEach((v, i) => {
      if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new ParameterError({ parameter: `${path}[${i}]`, message: `${path}[${i}]: absorption must be a number in [0, 1], got ${JSON.stringify(v)}` })
      out[i] = v
    })
  } else throw new ParameterError({ parameter: `${path}`, message: `${path}: expected a number in [0, 1], a list of ${OCTAVE_BANDS} per-octave values or a material name, got ${JSON.stringify(spec)}` })
  return out
}

/** Resolve an absorption spec into α[wall][band]; errors name `path` (the parameter). */
export const resolveAbsorption = (spec: AbsorptionSpec, path = "absorption"): AbsorptionTable => {
  if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
    const table = spec as Record<string, unknown>
    for (const key of Object.keys(table)) {
      if (!(WALLS as ReadonlyArray<string>).includes(key)) throw new ParameterError({ parameter: `${path}.${key}`, message: `${path}.${key}: unknown wall; walls are ${WALLS.join(", ")}` })
    }
    return WALLS.map((w) => {
      if (!(w in table)) throw new ParameterError({ parameter: `${path}.${w}`, message: `${path}.${w}: missing (a per-wall absorption table needs all of ${WALLS.join(", ")})` })
      return resolveWall(table[w], `${path}.${w}`)
    })
  }
  const one = resolveWall(spec, path)
  return WALLS.map(() => one)
}

const surfaces = (dims: ReadonlyArray<number>): ReadonlyArray<number> => {
  const [x, y, z] = dims as [number, number, number]
  return [y * z, y * z, x * z, x * z, x * y, x * y]
}

/**
 * Energy decay rate per octave band (1/s) of a shoebox by Eyring–Millington with air:
 *   λ = c·(−Σ_w S_w ln(1 − α_w) / (4V) + m)
 * This is also the mean decay of the image-source model: an image at distance r has
 * undergone about r·|u_i|/L_i reflections on each wall pair, and averaging |u_i| over
 * directions (½) gives exactly this sum.
 */
export const decayRates = (
  dims: ReadonlyArray<number>,
  alpha: AbsorptionTable,
  c: number,
  air: ReadonlyArray<number> | null
): Float64Array => {
  const S = surfaces(dims)
  const V = dims[0]! * dims[1]! * dims[2]!
  const rates = new Float64Array(OCTAVE_BANDS)
  for (let b = 0; b < OCTAVE_BANDS; b++) {
    let sum = 0
    for (let w = 0; w < 6; w++) sum += -S[w]! * Math.log(1 - Math.min(alpha[w]![b]!, ALPHA_CEIL))
    rates[b] = c * (sum / (4 * V) + (air ? air[b]! : 0))
  }
  return rates
}

/** Predicted RT60 per octave band (s): 60 dB of the energy decay rate. */
export const predictRt60 = (
  dims: ReadonlyArray<number>,
  alpha: AbsorptionTable,
  c: number,
  air: ReadonlyArray<number> | null
): Float64Array => decayRates(dims, alpha, c, air).map((r) => (r > 0 ? SIX_LN10 / r : Infinity))

export type Rt60Formula = "eyring" | "sabine"

/** Largest absorption a target-rt60 inversion may ask of the walls. */
export const MAX_INVERTED_ABSORPTION = 0.99

/**
 * The uniform wall absorption per octave band that gives `rt60` seconds in every band
 * (air absorption included), by inverting Eyring or Sabine:
 *   sabine: α = (4V/S)·(6 ln10/(c·T) − m)      eyring: α = 1 − exp(−that)
 * A band where air alone already decays faster than T gets α = 0. Throws when the walls
 * would need more than 0.99 absorption (rt60 too short for the room).
 */
export const absorptionForRt60 = (
  dims: ReadonlyArray<number>,
  rt60: number,
  c: number,
  air: ReadonlyArray<number> | null,
  formula: Rt60Formula
): AbsorptionTable => {
  const S = surfaces(dims).reduce((a, b) => a + b, 0)
  const V = dims[0]! * dims[1]! * dims[2]!
  const alpha = new Float64Array(OCTAVE_BANDS)
  const toAlpha = (x: number): number => (formula === "sabine" ? x : 1 - Math.exp(-x))
  const fromAlpha = (a: number): number => (formula === "sabine" ? a : -Math.log(1 - a))
  for (let b = 0; b < OCTAVE_BANDS; b++) {
    const m = air ? air[b]! : 0
    const x = ((4 * V) / S) * (SIX_LN10 / (c * rt60) - m)
    const a = x <= 0 ? 0 : toAlpha(x)
    if (!(a <= MAX_INVERTED_ABSORPTION)) {
      // Shortest reachable: the band that decays slowest at maximal absorption.
      let shortest = 0
      for (let k = 0; k < OCTAVE_BANDS; k++) {
        const rate = c * ((S / (4 * V)) * fromAlpha(MAX_INVERTED_ABSORPTION) + (air ? air[k]! : 0))
        shortest = Math.max(shortest, SIX_LN10 / rate)
      }
      const dimText = dims.map((d) => +d.toFixed(3)).join(" × ")
      throw new DataError({ message: `rt60: ${rt60} s is too short for a ${dimText} m room: ${formula} needs wall absorption ${+a.toFixed(3)} at ` +
          `${OCTAVE_CENTRES_HZ[b]} Hz (at most ${MAX_INVERTED_ABSORPTION}); the shortest reachable rt60 is ${+shortest.toFixed(3)} s` })
    }
    alpha[b] = a
  }
  return [alpha, alpha, alpha, alpha, alpha, alpha]
}

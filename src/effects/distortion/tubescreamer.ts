import { oversampled, type OversampleFactor } from "../../dsp/oversample.js"
import { ParameterError } from "../../errors/audioml-error.js"
import { number, object } from "../../params/schema.js"
import type { EffectDefinition } from "../effect-definition.js"
import { oversampleParam } from "./oversample-param.js"

/** distortion.tubescreamer's parameters: knobs 0..1 (drive default 0.5, tone 0.5, level 1), full scale in volts (1), oversampling factor (2). */
export interface TubescreamerParams {
  readonly drive: number
  readonly tone: number
  readonly level: number
  readonly full_scale_v: number
  readonly oversample: OversampleFactor
}

/** The circuit's parts (configs/circuits/sd1.cir has the same values). */
const RG = 4.7e3 // ohms, inverting input to ground, in series with CG
const CG = 47e-9
const RF_MIN = 51e3 // ohms, feedback resistor in series with the drive pot
const R_DRIVE = 500e3 // drive pot, taken linear
const CF = 51e-12 // feedback capacitor
const RT_MIN = 1e3 // tone low-pass: R = RT_MIN + (1 - tone) * R_TONE into CT
const R_TONE = 20e3
const CT = 22e-9
/** 1N4148 Shockley parameters (as distortion.diode_clipper's "si"): saturation current (A), emission coefficient. */
const IS = 2.52e-9
const N = 1.752
/** kT/q at ngspice's default 27 degrees C (300.15 K), in volts. */
const VT = (1.380649e-23 * 300.15) / 1.602176634e-19

/**
 * The SD-1 / TS808 clipping stage solved per (oversampled) sample, with its tone and level.
 *
 * Ideal op-amp, input on the non-inverting input, so the inverting input follows vin.
 * The current through 4.7 kOhm + 47 nF to ground, i = (vin - vg) / RG (vg: the 47 nF's
 * voltage), flows back through the feedback network, whose voltage vf (output minus input)
 * obeys
 *
 *   CF dvf/dt = i - vf / RF - Id(vf),   Id(v) = Is (e^(v / 2nVt) - 1) - Is (e^(-v / nVt) - 1)
 *
 * (two 1N4148 in series one way, one the other: the SD-1's asymmetry), and the stage's
 * output is vin + vf. vg is linear and depends on vin alone, so each sample takes one
 * trapezoidal step of vg, then one trapezoidal step of vf, whose implicit equation
 * g(x) = (1 + a) x + b Id(x) - rhs = 0 (increasing in x) is solved by Newton's method
 * inside a bracket: between 0 and the diodes-off solution rhs / (1 + a), and within the
 * diodes-only bound (2nVt ln(1 + rhs / (b Is)) above, -nVt ln(1 - rhs / (b Is)) below), so
 * exponentials never overflow; a step that leaves the bracket falls back to bisection.
 * Then the tone low-pass (one trapezoidal step) and the level gain.
 *
 * @returns a BlockShaper for dsp/oversample.ts (state carried between blocks; input and
 *   output samples in units of `full_scale_v` volts)
 */
export const tubescreamerShaper = (p: Omit<TubescreamerParams, "oversample">) => {
  const rf = RF_MIN + p.drive * R_DRIVE
  const rt = RT_MIN + (1 - p.tone) * R_TONE
  const scale = p.full_scale_v
  const outScale = p.level / p.full_scale_v
  const v1 = 2 * N * VT // the series pair's n Vt
  const v2 = N * VT
  let vg = 0
  let vf = 0
  let vt = 0
  let fPrev = 0 // CF dvf/dt at the previous sample
  let vinPrev = 0
  let clipPrev = 0
  let rate = 0
  let h = 0
  let kg = 0
  let a = 0
  let b = 0
  let kt = 0
  return (block: Float64Array, length: number, sampleRate: number): void => {
    if (sampleRate !== rate) {
      rate = sampleRate
      h = 1 / sampleRate
      kg = h / (2 * RG * CG)
      a = h / (2 * CF * rf)
      b = h / (2 * CF)
      kt = h / (2 * rt * CT)
    }
    for (let k = 0; k < length; k++) {
      const vin = scale * block[k]!
      // 47 nF: CG dvg/dt = (vin - vg) / RG, trapezoidal
      vg = (vg + kg * (vin + vinPrev - vg)) / (1 + kg)
      const i = (vin - vg) / RG
      const rhs = vf + b * (fPrev + i)
      let lo: number
      let hi: number
      if (rhs >= 0) {
        lo = 0
        hi = Math.min(rhs / (1 + a), v1 * Math.log1p(rhs / (b * IS)))
      } else {
        hi = 0
        lo = Math.max(rhs / (1 + a), -v2 * Math.log1p(-rhs / (b * IS)))
      }
      let x = vf < lo ? lo : vf > hi ? hi : vf
      let id = 0
      for (let it = 0; it < 80; it++) {
        // one exponential: e^(-x / nVt) = (e^(x / 2nVt))^-2; the bracket keeps both finite and non-zero
        const e1 = Math.exp(x / v1)
        const e2 = 1 / (e1 * e1)
        id = IS * (e1 - e2)
        const g = (1 + a) * x + b * id - rhs
        if (g === 0) break
        if (g > 0) hi = x
        else lo = x
        let next = x - g / (1 + a + b * IS * (e1 / v1 + e2 / v2))
        if (!(next >= lo && next <= hi)) next = 0.5 * (lo + hi)
        const step = Math.abs(next - x)
        x = next
        if (step <= 1e-13 + 1e-11 * Math.abs(x)) {
          const e = Math.exp(x / v1)
          id = IS * (e - 1 / (e * e))
          break
        }
      }
      vf = x
      fPrev = i - vf / rf - id
      vinPrev = vin
      // tone: CT dvt/dt = (clip - vt) / rt, trapezoidal
      const clip = vin + vf
      vt = (vt + kt * (clip + clipPrev - vt)) / (1 + kt)
      clipPrev = clip
      block[k] = outScale * vt
    }
  }
}

/**
 * The distortion.tubescreamer effect definition (see {@link tubescreamerShaper}); the
 * same circuit as configs/circuits/sd1.cir for circuit.spice.
 *
 * @example
 *   chain = [ { uses = "distortion.tubescreamer", drive = { uniform = [0, 1] }, tone = 0.6, full_scale_v = 0.5 } ]
 */
export const tubescreamer: EffectDefinition<TubescreamerParams> = {
  uses: "distortion.tubescreamer",
  description:
    "SD-1 / TS808 overdrive: op-amp gain stage with asymmetric 1N4148 diodes in the feedback, solved per sample (trapezoidal rule + bracketed Newton), then tone low-pass and level; configs/circuits/sd1.cir is the same circuit for ngspice.",
  params: object({
    drive: number({ description: "drive pot: feedback resistance 51 kOhm + drive * 500 kOhm (gain up to 118 = 41 dB)", minimum: 0, maximum: 1, default: 0.5 }),
    tone: number({ description: "tone: low-pass corner from 345 Hz (0) to 7.2 kHz (1); R = 1 kOhm + (1 - tone) * 20 kOhm into 22 nF", minimum: 0, maximum: 1, default: 0.5 }),
    level: number({ description: "output level pot (linear gain)", minimum: 0, maximum: 1, default: 1 }),
    full_scale_v: number({ description: "volts into the circuit for a sample of 1.0; the output is read in the same scale", unit: "V", exclusiveMinimum: 0, maximum: 100, default: 1 }),
    oversample: oversampleParam(2)
  }),
  process: (input, sampleRate, p) => {
    if (!(p.full_scale_v > 0)) throw ParameterError.of("full_scale_v", `must be > 0 (got ${p.full_scale_v})`)
    return oversampled(input, sampleRate, p.oversample, tubescreamerShaper(p))
  }
}

import { oversampled, type OversampleFactor } from "../../dsp/oversample.js"
import { number, object, oneOf } from "../../params/schema.js"
import type { EffectDefinition } from "../effect-definition.js"
import { oversampleParam } from "./oversample-param.js"
import { dbToGain } from "../../dsp/decibels.js"
import { ParameterError } from "../../errors/audioml-error.js"

export type DiodeKind = "si" | "ge" | "led"

/** Shockley parameters: saturation current Is (A) and emission coefficient n. */
export const diodeModels: Readonly<Record<DiodeKind, { readonly is: number; readonly n: number; readonly label: string }>> = {
  si: { is: 2.52e-9, n: 1.752, label: "silicon 1N4148 (knee about 0.6 V)" },
  ge: { is: 2.0e-7, n: 1.3, label: "germanium, 1N34A-like (knee about 0.3 V)" },
  led: { is: 2.0e-18, n: 1.9, label: "red LED (knee about 1.7 V)" }
}

const THERMAL_VOLTAGE = 0.02585 // kT/q at 300 K
const SERIES_R = 2200 // ohms; C follows from the cutoff
/**
 * When the diodes-off bound exceeds this many n*Vt, also bound the root by the diodes
 * alone (n Vt asinh(rhs / b)): far above the knee, Newton on an exponential would crawl
 * down by about n*Vt per iteration, and sinh could overflow.
 */
const DIODE_BOUND_FROM = 20

export interface DiodeClipperParams {
  readonly drive_db: number
  readonly cutoff_hz: number
  readonly diode: DiodeKind
  readonly oversample: OversampleFactor
}

/**
 * The RC low-pass + antiparallel diode pair clipper (the core of most overdrive pedals):
 *
 *   C dV/dt = (Vin - V) / R - 2 Is sinh(V / (n Vt))
 *
 * with Vin = drive * x (full scale = 1 V) and RC = 1 / (2 pi cutoff_hz). Each sample is
 * one trapezoidal-rule step (A-stable, so stiff high drive is fine), whose implicit
 * equation g(V) = 0 is solved by Newton's method inside a bracket: g is increasing, the
 * root lies between 0 and both the diodes-off solution and the diodes-only bound
 * n Vt asinh(rhs / b), so a step that leaves the bracket falls back to bisection and
 * sinh never overflows. Output is V in volts: at most the diode knee, and at small
 * levels the plain RC low-pass with unity gain below the cutoff.
 */
export const diodeClipperShaper = (p: Omit<DiodeClipperParams, "oversample">) => {
  const model = diodeModels[p.diode]
  const drive = dbToGain(p.drive_db)
  const vd = model.n * THERMAL_VOLTAGE
  const c = 1 / (2 * Math.PI * SERIES_R * p.cutoff_hz)
  const wc = 1 / (SERIES_R * c)
  const k = (2 * model.is) / c
  let v = 0
  let fPrev = 0
  let rate = 0
  let a = 0
  let bcoef = 0
  let ht = 0
  return (block: Float64Array, length: number, sampleRate: number): void => {
    if (sampleRate !== rate) {
      rate = sampleRate
      ht = 0.5 / sampleRate
      a = ht * wc
      bcoef = ht * k
    }
    const onePlusA = 1 + a
    const bOverVd = bcoef / vd
    for (let i = 0; i < length; i++) {
      const vin = drive * block[i]!
      const rhs = v + ht * (wc * vin + fPrev)
      // Bracket [lo, hi] of the root; the diodes-only bound (an asinh) only when clipping.
      let lo: number
      let hi: number
      if (rhs >= 0) {
        lo = 0
        hi = rhs / onePlusA
        if (hi > DIODE_BOUND_FROM * vd) hi = Math.min(hi, vd * Math.asinh(rhs / bcoef))
      } else {
        hi = 0
        lo = rhs / onePlusA
        if (lo < -DIODE_BOUND_FROM * vd) lo = Math.max(lo, -vd * Math.asinh(-rhs / bcoef))
      }
      let x = v < lo ? lo : v > hi ? hi : v
      let sh = 0
      for (let it = 0; it < 60; it++) {
        const e = Math.exp(x / vd)
        const ie = 1 / e
        sh = 0.5 * (e - ie)
        const g = onePlusA * x + bcoef * sh - rhs
        if (g === 0) break
        if (g > 0) hi = x
        else lo = x
        let next = x - g / (onePlusA + bOverVd * 0.5 * (e + ie))
        if (!(next >= lo && next <= hi)) next = 0.5 * (lo + hi)
        const step = Math.abs(next - x)
        x = next
        // Converged: sinh at the previous iterate differs from sinh at x by far less than float precision.
        if (step <= 1e-12 + 1e-10 * Math.abs(x)) break
      }
      v = x
      fPrev = wc * (vin - v) - k * sh
      block[i] = v
    }
  }
}

export const diodeClipper: EffectDefinition<DiodeClipperParams> = {
  uses: "distortion.diode_clipper",
  description:
    "Circuit model of an RC low-pass into an antiparallel diode pair, solved per sample (trapezoidal rule + Newton), oversampled 2x by default.",
  params: object({
    drive_db: number({ description: "input gain; full scale = 1 V into the circuit", unit: "dB", minimum: 0, maximum: 60, default: 12 }),
    cutoff_hz: number({ description: "RC low-pass corner, 1 / (2 pi R C), R = 2.2 kOhm", unit: "Hz", minimum: 100, maximum: 20000, default: 5000 }),
    diode: oneOf(["si", "ge", "led"], { description: "diode pair: si = 1N4148, ge = germanium, led = red LEDs", default: "si", distribution: true }),
    oversample: oversampleParam(2)
  }),
  process: (input, sampleRate, p) => {
    if (p.cutoff_hz >= (sampleRate * p.oversample) / 2) {
      throw new ParameterError({ parameter: "distortion.diode_clipper", message: `distortion.diode_clipper: cutoff_hz ${p.cutoff_hz} must be below ${(sampleRate * p.oversample) / 2} Hz at this rate and oversampling` })
    }
    return oversampled(input, sampleRate, p.oversample, diodeClipperShaper(p))
  }
}

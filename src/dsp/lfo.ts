import { ParameterError } from "../errors/audioml-error.js"
/**
 * Low-frequency oscillators for modulation effects. Output in [-1, 1]; `phase` is in
 * cycles ([0, 1), so 0.25 = 90 degrees). Both shapes start at 0 rising at phase 0, so a
 * sine and a triangle with the same phase peak at the same instant.
 */
export type LfoShape = "sine" | "triangle"

export const lfoShapes: ReadonlyArray<LfoShape> = ["sine", "triangle"]

const TWO_PI = 2 * Math.PI

/** The waveform at `phase` cycles (any real number; wrapped to [0, 1)). */
export const lfoValue = (shape: LfoShape, phase: number): number => {
  const p = phase - Math.floor(phase)
  if (shape === "sine") return Math.sin(TWO_PI * p)
  const q = p + 0.25
  return 1 - 4 * Math.abs(q - Math.floor(q) - 0.5)
}

/** A running oscillator: `next()` returns the value at the current phase, then advances. */
export class Lfo {
  private phase: number
  private readonly increment: number
  private readonly sine: boolean

  constructor(shape: LfoShape, rateHz: number, sampleRate: number, phaseCycles = 0) {
    if (shape !== "sine" && shape !== "triangle") throw new ParameterError({ parameter: "lfo", message: `lfo: shape must be "sine" or "triangle", got ${String(shape)}` })
    this.sine = shape === "sine"
    this.increment = rateHz / sampleRate
    this.phase = phaseCycles - Math.floor(phaseCycles)
  }

  next(): number {
    const p = this.phase
    let next = p + this.increment
    if (next >= 1) next -= Math.floor(next)
    this.phase = next
    if (this.sine) return Math.sin(TWO_PI * p)
    const q = p < 0.75 ? p + 0.25 : p - 0.75
    return 1 - 4 * Math.abs(q - 0.5)
  }
}

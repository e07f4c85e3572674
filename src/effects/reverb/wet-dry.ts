import { convolveInto } from "../../dsp/convolution.js"

export type IrNormalisation = "none" | "peak" | "energy"

/** Scale an impulse response: "peak" to max |h| = 1, "energy" to Σh² = 1, "none" as is. */
export const normaliseIr = (ir: Float32Array, mode: IrNormalisation | "direct", directGain = 1): Float32Array => {
  let scale = 1
  if (mode === "peak") {
    let m = 0
    for (let i = 0; i < ir.length; i++) m = Math.max(m, Math.abs(ir[i]!))
    scale = m > 0 ? 1 / m : 1
  } else if (mode === "energy") {
    let e = 0
    for (let i = 0; i < ir.length; i++) e += ir[i]! * ir[i]!
    scale = e > 0 ? 1 / Math.sqrt(e) : 1
  } else if (mode === "direct") scale = directGain > 0 ? 1 / directGain : 1
  if (scale === 1) return ir
  const out = new Float32Array(ir.length)
  for (let i = 0; i < ir.length; i++) out[i] = ir[i]! * scale
  return out
}

/**
 * out = (1 − mix)·x + mix·(x ∗ h delayed by `predelaySamples`), same length as x: the
 * part of the reverb tail past the input's end is dropped (pad clips with silence to
 * keep it). The convolution is FFT overlap-save (src/dsp/convolution.ts).
 */
export const applyImpulseResponse = (input: Float32Array, ir: Float32Array, mix: number, predelaySamples = 0): Float32Array => {
  const out = new Float32Array(input.length)
  applyImpulseResponseInto(input, out, ir, mix, predelaySamples)
  return out
}

/**
 * {@link applyImpulseResponse} written into `out` (the input's length, not the input
 * itself): the convolution goes straight into `out` (after the predelay) and is mixed
 * there, no other signal-length buffer.
 */
export const applyImpulseResponseInto = (input: Float32Array, out: Float32Array, ir: Float32Array, mix: number, predelaySamples = 0): void => {
  const n = input.length
  const delay = Math.min(n, Math.max(0, Math.round(predelaySamples)))
  if (delay < n) convolveInto(input, ir, out.subarray(delay))
  const dry = 1 - mix
  for (let i = 0; i < delay; i++) out[i] = dry * input[i]!
  // mix in place; mix = 1 is the convolution itself
  if (mix !== 1 || delay > 0) for (let i = delay; i < n; i++) out[i] = dry * input[i]! + mix * out[i]!
}

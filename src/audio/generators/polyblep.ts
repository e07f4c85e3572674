import { DataError, ParameterError } from "../../errors/audioml-error.js"
export const waveforms = ["saw", "square", "triangle", "sine"] as const
export type Waveform = (typeof waveforms)[number]

/**
 * PolyBLEP residual (Välimäki & Huovilainen): a 2-sample polynomial correction that
 * replaces the ideal band-limited step around each discontinuity of a naive waveform.
 * `t` is the phase in [0, 1), `dt` the phase increment per sample.
 */
const polyBlep = (t: number, dt: number): number => {
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

/** The integral of the BLEP residual: corrects slope discontinuities (triangle corners). */
const polyBlamp = (t: number, dt: number): number => {
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

/**
 * Add a band-limited oscillator (peak ≈ `amplitude`) into `out`, from phase `phase0`
 * (in cycles, [0, 1)). `freqAt` may be a constant frequency in Hz.
 * saw: 2t−1 with a BLEP at the wrap; square: ±1 with BLEPs at both edges; triangle:
 * ±1 with BLAMPs at both corners; sine: exact.
 */
export const oscillatorInto = (
  out: Float32Array,
  sampleRate: number,
  waveform: Waveform,
  freq: number,
  amplitude = 1,
  phase0 = 0
): Float32Array => {
  const dt = freq / sampleRate
  if (!(dt > 0 && dt < 0.5)) throw new DataError({ message: `oscillator frequency ${freq} Hz must be in (0, ${sampleRate / 2}) at ${sampleRate} Hz` })
  let t = phase0 - Math.floor(phase0)
  const n = out.length
  switch (waveform) {
    case "saw":
      for (let i = 0; i < n; i++) {
        out[i]! += amplitude * (2 * t - 1 - polyBlep(t, dt))
        t += dt
        if (t >= 1) t -= 1
      }
      break
    case "square":
      for (let i = 0; i < n; i++) {
        let t2 = t + 0.5
        if (t2 >= 1) t2 -= 1
        const naive = t < 0.5 ? 1 : -1
        out[i]! += amplitude * (naive + polyBlep(t, dt) - polyBlep(t2, dt))
        t += dt
        if (t >= 1) t -= 1
      }
      break
    case "triangle":
      // Corners: slope +4 → −4 (per cycle) at t = 0.5 and −4 → +4 at t = 0, i.e. 8·dt per
      // sample; polyBlamp is the residual for a slope change of 2 per sample, hence 4·dt.
      for (let i = 0; i < n; i++) {
        let t2 = t + 0.5
        if (t2 >= 1) t2 -= 1
        const naive = t < 0.5 ? 4 * t - 1 : 3 - 4 * t
        out[i]! += amplitude * (naive + 4 * dt * (polyBlamp(t, dt) - polyBlamp(t2, dt)))
        t += dt
        if (t >= 1) t -= 1
      }
      break
    case "sine":
      for (let i = 0; i < n; i++) {
        out[i]! += amplitude * Math.sin(2 * Math.PI * t)
        t += dt
        if (t >= 1) t -= 1
      }
      break
    default:
      throw new ParameterError({ parameter: "waveform", message: `unknown waveform "${String(waveform)}" (expected one of ${waveforms.join(", ")})` })
  }
  return out
}

/** The same without band-limiting: the reference that alias tests compare against. */
export const naiveOscillatorInto = (out: Float32Array, sampleRate: number, waveform: Waveform, freq: number, amplitude = 1): Float32Array => {
  const dt = freq / sampleRate
  let t = 0
  for (let i = 0; i < out.length; i++) {
    const v =
      waveform === "saw" ? 2 * t - 1 : waveform === "square" ? (t < 0.5 ? 1 : -1) : waveform === "triangle" ? (t < 0.5 ? 4 * t - 1 : 3 - 4 * t) : Math.sin(2 * Math.PI * t)
    out[i]! += amplitude * v
    t += dt
    if (t >= 1) t -= 1
  }
  return out
}

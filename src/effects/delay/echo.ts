import type { EffectDefinition } from "../effect-definition.js"
import { number, object } from "../../params/schema.js"
import { DelayLine } from "../../dsp/delay-line.js"

export interface EchoParams {
  readonly time_ms: number
  readonly feedback: number
  readonly mix: number
  readonly damping_hz: number
}

/**
 * Feedback echo: a delay of time_ms (cubic-interpolated, so any time is exact), a one-pole
 * low-pass at damping_hz in the loop (unity gain at DC, so every repeat keeps its area and
 * loses only top end), and wet/dry mix:
 *   w[n] = LP(v[n - D]),  v[n] = x[n] + feedback · w[n],  y = (1 - mix) x + mix · w
 * The k-th repeat arrives k·time_ms after the input (plus the low-pass's small group
 * delay) with amplitude mix · feedback^(k-1), low-passed k times (damping_hz at or above
 * half the sample rate switches the low-pass off). The output keeps the
 * input's length (the tail beyond it is dropped).
 */
export const echo = (input: Float32Array, sampleRate: number, p: EchoParams): Float32Array => {
  const n = input.length
  const out = new Float32Array(n)
  const D = (p.time_ms * sampleRate) / 1000
  const line = new DelayLine(D + 4)
  // one-pole low-pass y = (1 - c) x + c y[n-1]; at or above Nyquist the loop is undamped
  const c = p.damping_hz >= sampleRate / 2 ? 0 : Math.exp((-2 * Math.PI * p.damping_hz) / sampleRate)
  const g = 1 - c
  const fb = p.feedback
  const mix = p.mix
  const dry = 1 - mix
  let lp = 0
  const whole = Number.isInteger(D) && D >= DelayLine.minDelay
  for (let i = 0; i < n; i++) {
    const delayed = whole ? line.readInteger(D) : line.read(D)
    lp = g * delayed + c * lp
    const x = input[i]!
    line.write(x + fb * lp)
    out[i] = dry * x + mix * lp
  }
  return out
}

export const echoEffect: EffectDefinition<EchoParams> = {
  uses: "delay.echo",
  description:
    "Feedback echo: repeats every time_ms decaying by feedback, each repeat darkened by a one-pole low-pass at damping_hz, " +
    "with wet/dry mix.",
  params: object({
    time_ms: number({ description: "Time between repeats", unit: "ms", minimum: 1, maximum: 10000, default: 250 }),
    feedback: number({ description: "Gain of each further repeat", minimum: 0, maximum: 0.99, default: 0.4 }),
    mix: number({ description: "Wet share of the output: (1 - mix)·dry + mix·wet", minimum: 0, maximum: 1, default: 0.35 }),
    damping_hz: number({ description: "Cut-off of the one-pole low-pass in the feedback loop (>= half the sample rate: no damping)", unit: "Hz", minimum: 100, maximum: 24000, default: 6000 })
  }),
  process: (input, sampleRate, params) => echo(input, sampleRate, params)
}

import type { Signal } from "../dsp/signal.js"
import type { Rng } from "../params/rng.js"
import { number, oneOf, type JsonSchema } from "../params/schema.js"
import type { LabelValue } from "../params/labels.js"


export type ApplyTo = "input" | "target" | "both"

/** What a step's one-time `prepare` may use. */
export interface PrepareContext {
  /** Relative paths in params resolve here. */
  readonly configDir: string
  /** "steps[3]": for error messages. */
  readonly where: string
}

/** One clip's draw: the labels it records and the transform it stands for. */
export interface StepDraw {
  readonly labels: Readonly<Record<string, LabelValue>>
  /**
   * Apply the drawn transform. For a pair with apply_to = "both" the same function is
   * applied to input and target: everything random was drawn before, so both get the
   * identical gain, shift, crop, noise samples...
   */
  readonly apply: (signal: Signal) => Signal
}

/**
 * One augmentation step, `{ uses = "<name>", p = ..., apply_to = ..., <params> }`.
 * `params` is its closed object schema, including `p` and `apply_to` (with the step's
 * own default). `draw` gets the params with distributions already drawn, the reference
 * signal (the clip, or the pair's input — the target when apply_to = "target") from which
 * level-dependent quantities are measured, and the step's random stream.
 */
export interface AugmentStep<Prepared = unknown> {
  readonly uses: string
  readonly description: string
  readonly params: JsonSchema
  readonly prepare?: (params: Readonly<Record<string, unknown>>, ctx: PrepareContext) => Prepared
  readonly draw: (params: Readonly<Record<string, unknown>>, reference: Signal, rng: Rng, prepared: Prepared) => StepDraw
}

export const probabilityParam = number({
  description: "Probability that the step is applied to a clip",
  minimum: 0,
  maximum: 1,
  default: 1,
  distribution: false
})

export const applyToParam = (fallback: "input" | "both"): JsonSchema =>
  oneOf(["input", "target", "both"], {
    description: `On pairs: which side the step transforms (both = the same draw on input and target). Default ${fallback}`,
    default: fallback
  })

/** The common keys of every step, ahead of its own. */
export const stepProps = (fallback: "input" | "both") => ({ p: probabilityParam, apply_to: applyToParam(fallback) })

export const mapSignal = (signal: Signal, f: (x: Float32Array, channel: number) => Float32Array): Signal => ({
  sampleRate: signal.sampleRate,
  channels: signal.channels.map(f)
})

/** Samples of the reference used for level measurements: every channel, concatenated view. */
export const meanSquare = (signal: Signal): number => {
  let s = 0
  let n = 0
  for (const ch of signal.channels) {
    for (let i = 0; i < ch.length; i++) s += ch[i]! * ch[i]!
    n += ch.length
  }
  return n === 0 ? 0 : s / n
}

export const lengthOf = (signal: Signal): number => signal.channels[0]?.length ?? 0

/** g · x as a new buffer. */
export const scaled = (x: Float32Array, g: number): Float32Array => {
  const out = new Float32Array(x.length)
  for (let i = 0; i < x.length; i++) out[i] = g * x[i]!
  return out
}

/** x + g · y (y repeated from its start if shorter, as loops of a background) as a new buffer. */
export const addScaledLooped = (x: Float32Array, y: Float32Array, g: number, offset = 0): Float32Array => {
  const out = new Float32Array(x.length)
  const m = y.length
  if (m === 0) return x.slice()
  let j = offset % m
  for (let i = 0; i < x.length; i++) {
    out[i] = x[i]! + g * y[j]!
    j = j + 1 === m ? 0 : j + 1
  }
  return out
}

import type { Rng } from "../../params/rng.js"
import type { JsonSchema } from "../../params/schema.js"
import type { LabelValue } from "../../params/labels.js"


/** What a generator's render function gets besides its (drawn, concrete) params. */
export interface RenderContext {
  readonly sampleRate: number
  /** Clip length in seconds (the buffer length / sample rate). */
  readonly seconds: number
  readonly rng: Rng
  /** Add a derived label (a note, an onset...); the caller prefixes `gen.<uses>.`. */
  readonly label: (key: string, value: LabelValue) => void
}

/**
 * One entry of `source.synthetic`'s `generators` list, `{ uses = "<name>", ... }`.
 * `params` is its closed object schema (without `uses`), including `weight`.
 * `render` adds its signal into `out` (a mono buffer of the clip's length).
 */
export interface SyntheticGenerator {
  readonly uses: string
  readonly description: string
  readonly params: JsonSchema
  /** Keys drawn by `render` itself rather than up front (a mix's nested generators). */
  readonly drawSkip?: ReadonlyArray<string>
  readonly render: (params: Readonly<Record<string, unknown>>, out: Float32Array, ctx: RenderContext) => void
}

/** Per-event labels: `note` for a single event, `note[0]`, `note[1]`... for several. */
export const eventKey = (key: string, index: number, count: number): string => (count === 1 ? key : `${key}[${index}]`)

/**
 * Resynthesis from predicted synth parameters: a parameter model's normalised outputs become
 * an amsynth preset (parameters it does not predict keep their defaults), rendered with our
 * synth at the query's note, velocity, length and note-off, and compared with the query
 * by log-spectral distance, MFCC L1 and multi-resolution STFT distance.
 */
import { labelValue, normaliseLabel, denormaliseLabel, type LabelNorm } from "./model-meta.js"
import { logSpectralDistance, mfccL1, mrstft } from "./audio-metrics.js"
import { clampRaw, defaultPresetValues, type PresetValues } from "../synth/params.js"
import { synthParamOfLabel } from "../synth/preset-labels.js"
import { renderNote } from "../synth/render.js"

/** Whether any target is a synth parameter (`synth.<p>` or `synth.<p>.norm`). */
export const predictsSynthParams = (targets: ReadonlyArray<LabelNorm>): boolean => targets.some((t) => synthParamOfLabel(t.from) !== undefined)

/** Raw preset values from one item's normalised target values (clamped and snapped; others at their defaults). */
export const presetValuesFromPrediction = (targets: ReadonlyArray<LabelNorm>, normalised: ArrayLike<number>): PresetValues => {
  const values = defaultPresetValues()
  targets.forEach((t, k) => {
    const spec = synthParamOfLabel(t.from)
    if (spec === undefined) return
    const v = denormaliseLabel(t, Math.min(1, Math.max(0, normalised[k]!)))
    values[spec.index] = clampRaw(spec, t.from.endsWith(".norm") ? spec.min + v * (spec.max - spec.min) : v)
  })
  return values
}

/**
 * The normalised values of the "average preset" a model must beat: each regressed target at
 * its training mean, each classified one at its most frequent training class.
 */
export const meanPrediction = (targets: ReadonlyArray<LabelNorm>, train: ReadonlyArray<{ readonly id: string; readonly labels: Readonly<Record<string, unknown>> }>): Float32Array =>
  Float32Array.from(targets, (t) => {
    const values = train.map((i) => normaliseLabel(t, labelValue(t, i.labels, i.id)))
    if (values.length === 0) return 0.5
    if (t.classes === undefined) return values.reduce((a, b) => a + b, 0) / values.length
    const n = t.classes
    const counts = new Array<number>(n).fill(0)
    for (const v of values) counts[Math.min(n - 1, Math.max(0, Math.round(v * (n - 1))))]!++
    return counts.indexOf(Math.max(...counts)) / (n - 1)
  })

export interface ResynthesisDistances {
  /** Log-spectral distance, dB. */
  readonly lsd_db: number
  readonly mfcc_l1: number
  readonly mrstft: number
}

/** How the query was played: MIDI note, velocity, note-off time (s). */
export interface QueryNote {
  readonly note: number
  readonly velocity: number
  readonly noteOff: number
}

/** The query's note from its labels (`note`, `velocity`, `synth.note_off_s`), defaults 60, 100 and ¾ of its length. */
export const queryNoteOf = (labels: Readonly<Record<string, unknown>>, seconds: number): QueryNote => ({
  note: typeof labels["note"] === "number" ? labels["note"] : 60,
  velocity: typeof labels["velocity"] === "number" ? labels["velocity"] : 100,
  noteOff: typeof labels["synth.note_off_s"] === "number" ? labels["synth.note_off_s"] : 0.75 * seconds
})

/** Render `values` as the query was played and measure the three distances to it. */
export const resynthesisDistances = (query: Float32Array, sampleRate: number, values: PresetValues, note: QueryNote): ResynthesisDistances => {
  const rendered = renderNote(values, { sampleRate, seconds: query.length / sampleRate, noteSeconds: note.noteOff, note: note.note, velocity: note.velocity, seed: 1 })
  const n = Math.min(query.length, rendered.length)
  const q = query.subarray(0, n)
  const r = rendered.subarray(0, n)
  return { lsd_db: logSpectralDistance(q, r), mfcc_l1: mfccL1(q, r, sampleRate), mrstft: mrstft(q, r) }
}

import type { Signal } from "../dsp/signal.js"
import type { StageDefinition } from "../engine/stage.js"
import { boolean, number, object, oneOf } from "../params/schema.js"
import { DATASET_KINDS, assertUniqueIds, decodeDataset, encodeDataset, itemSignals, rebuildItem, withItems, type Item } from "./dataset-items.js"
import { syncStage } from "./stage-effect.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"

/** Start offsets of windows of `length` samples every `hop` samples, each preceded by `warmup` samples. */
export const windowStarts = (total: number, length: number, hop: number, warmup: number, padLast: boolean): number[] => {
  const starts: number[] = []
  for (let s = warmup; padLast ? s < total : s + length <= total; s += hop) starts.push(s - warmup)
  return starts
}

/** Samples [start, start + size) of every channel, zero-padded past the end. */
export const sliceSignal = (signal: Signal, start: number, size: number): Signal => ({
  sampleRate: signal.sampleRate,
  channels: signal.channels.map((c) => {
    if (start + size <= c.length) return c.slice(start, start + size)
    const out = new Float32Array(size)
    out.set(c.subarray(start, Math.min(c.length, start + size)))
    return out
  })
})

export interface SegmentParams {
  readonly length: number
  readonly hop?: number
  readonly warmup: number
  readonly unit: "seconds" | "samples"
  readonly pad_last: boolean
}

export const datasetSegment: StageDefinition<SegmentParams> = {
  uses: "dataset.segment",
  version: 1,
  description:
    "Cut every clip or pair into fixed-length training windows: `length` samples of loss region every `hop`, each " +
    "preceded by `warmup` samples of context (RNN state warm-up for truncated BPTT, or a TCN's receptive field). " +
    "Window n of item <id> is <id>#<n>, labels and split kept; the input and target of a pair are cut identically.",
  params: object({
    length: number({ description: "Window length (the part the loss sees), in `unit`.", exclusiveMinimum: 0, default: 1, distribution: false }),
    hop: number({ description: "Step between window starts, in `unit`; default `length` (no overlap).", exclusiveMinimum: 0, distribution: false }),
    warmup: number({ description: "Context before each window, in `unit`: every segment holds warmup + length samples.", minimum: 0, default: 0, distribution: false }),
    unit: oneOf(["seconds", "samples"], { description: "Unit of length, hop and warmup (seconds are rounded to samples per item).", default: "seconds" }),
    pad_last: boolean({ description: "Keep a last, partial window, zero-padded to full size (default: drop it).", default: false })
  }),
  inputs: { audio: { kinds: DATASET_KINDS, description: "AudioSet or PairedAudioSet to cut" } },
  output: { sameAs: "audio" },
  run: (params, inputs, ctx) =>
    syncStage(ctx, () => {
      const dataset = decodeDataset(inputs["audio"]!)
      const out: Item[] = []
      const tooShort: string[] = []
      for (const item of dataset.items) {
        const signals = itemSignals(item)
        const rate = signals[0]!.sampleRate
        const toSamples = (v: number) => (params.unit === "samples" ? Math.round(v) : Math.round(v * rate))
        const length = toSamples(params.length)
        const hop = toSamples(params.hop ?? params.length)
        const warmup = toSamples(params.warmup)
        if (length < 1 || hop < 1) throw new ParameterError({ parameter: "length", message: `dataset.segment: length and hop must be at least one sample at ${rate} Hz (item ${item.id})` })
        const total = Math.min(...signals.map((s) => s.channels[0]?.length ?? 0))
        const starts = windowStarts(total, length, hop, warmup, params.pad_last)
        if (starts.length === 0) tooShort.push(item.id)
        starts.forEach((start, n) =>
          out.push(rebuildItem(item, { id: `${item.id}#${n}`, signals: signals.map((s) => sliceSignal(s, start, warmup + length)) }))
        )
      }
      assertUniqueIds(out, "dataset.segment")
      if (out.length === 0) throw new DataError({ message: `dataset.segment: no item is long enough for one window (length ${params.length} + warmup ${params.warmup} ${params.unit})` })
      ctx.report({ items: dataset.items.length, segments: out.length, too_short: tooShort })
      if (tooShort.length > 0) ctx.warn(`dataset.segment: ${tooShort.length} item(s) shorter than one window were dropped`)
      return encodeDataset(withItems(dataset, out))
    })
}

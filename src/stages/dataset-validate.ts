import { createHash } from "node:crypto"
import type { Signal } from "../dsp/signal.js"
import { encodeWav } from "../audio/wav.js"
import type { StageDefinition } from "../engine/stage.js"
import { array, boolean, integer, number, object, oneOf, record } from "../params/schema.js"
import type { LabelValue } from "../params/labels.js"
import { DATASET_KINDS, DatasetWriter, itemSignals, openDataset, signalRoles, type Item } from "./dataset-items.js"
import { syncStage } from "./stage-effect.js"
import { chainLabelRange } from "../effects/chain.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"
import { synthLabelRange } from "../synth/preset-labels.js"

export const CHECKS = ["finite", "peak", "clipping", "silence", "dc", "length", "sample_rate", "bounds"] as const
export type Check = (typeof CHECKS)[number]

export interface ValidateParams {
  readonly checks: ReadonlyArray<Check>
  readonly on_fail: "error" | "drop" | "warn"
  readonly max_peak_db: number
  readonly clip_level: number
  readonly min_clip_run: number
  readonly silence_db: number
  readonly max_dc: number
  readonly bounds?: Readonly<Record<string, readonly [number, number]>>
  readonly schema_bounds: boolean
  readonly sample_rate: number
}

export interface Failure {
  readonly check: Check
  readonly detail: string
}

export interface SignalStats {
  readonly samples: number
  readonly nonFinite: number
  readonly peak: number
  readonly rms: number
  /** Largest |mean| over the channels. */
  readonly dc: number
  /** Longest run of identical samples at |x| ≥ clip level (a flat top). */
  readonly longestClipRun: number
}

/** One pass per channel over the samples: no allocation per sample. */
export const signalStats = (signal: Signal, clipLevel: number): SignalStats => {
  let nonFinite = 0
  let peak = 0
  let energy = 0
  let dc = 0
  let longest = 0
  let count = 0
  for (const ch of signal.channels) {
    let sum = 0
    let run = 0
    let prev = NaN
    for (let i = 0; i < ch.length; i++) {
      const x = ch[i]!
      if (!Number.isFinite(x)) {
        nonFinite++
        run = 0
        prev = NaN
        continue
      }
      const a = x < 0 ? -x : x
      if (a > peak) peak = a
      energy += x * x
      sum += x
      if (a >= clipLevel) {
        run = x === prev ? run + 1 : 1
        if (run > longest) longest = run
      } else run = 0
      prev = x
    }
    count += ch.length
    const mean = ch.length > 0 ? Math.abs(sum / ch.length) : 0
    if (mean > dc) dc = mean
  }
  return { samples: signal.channels[0]?.length ?? 0, nonFinite, peak, rms: count > 0 ? Math.sqrt(energy / count) : 0, dc, longestClipRun: longest }
}

const dB = (x: number): number => (x > 0 ? 20 * Math.log10(x) : -Infinity)
const round = (x: number, digits = 2): number | null => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null)
const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/** Every failed check of one item. */
export const checkItem = (item: Item, roles: ReadonlyArray<string>, p: ValidateParams): { failures: Failure[]; stats: SignalStats[] } => {
  const on = new Set(p.checks)
  const failures: Failure[] = []
  const signals = itemSignals(item)
  const stats = signals.map((s) => signalStats(s, p.clip_level))
  signals.forEach((signal, k) => {
    const st = stats[k]!
    const role = roles[k]!
    if (st.samples === 0) failures.push({ check: "length", detail: `${role} has no samples` })
    if (on.has("length") && signal.channels.some((c) => c.length !== st.samples))
      failures.push({ check: "length", detail: `${role} channels have different lengths` })
    if (on.has("finite") && st.nonFinite > 0) failures.push({ check: "finite", detail: `${role} has ${st.nonFinite} NaN/Inf sample(s)` })
    if (on.has("peak") && dB(st.peak) > p.max_peak_db)
      failures.push({ check: "peak", detail: `${role} peak ${dB(st.peak).toFixed(2)} dBFS > ${p.max_peak_db} dBFS` })
    if (on.has("clipping") && st.longestClipRun >= p.min_clip_run)
      failures.push({ check: "clipping", detail: `${role} has a run of ${st.longestClipRun} identical samples at |x| >= ${p.clip_level}` })
    if (on.has("silence") && st.samples > 0 && dB(st.rms) < p.silence_db)
      failures.push({ check: "silence", detail: `${role} RMS ${dB(st.rms).toFixed(1)} dBFS < ${p.silence_db} dBFS` })
    if (on.has("dc") && st.dc > p.max_dc) failures.push({ check: "dc", detail: `${role} DC offset ${st.dc.toFixed(4)} > ${p.max_dc}` })
    if (on.has("sample_rate") && signal.sampleRate !== p.sample_rate)
      failures.push({ check: "sample_rate", detail: `${role} is at ${signal.sampleRate} Hz, the pipeline at ${p.sample_rate} Hz` })
  })
  if (on.has("length") && signals.length === 2) {
    const [a, b] = signals as [Signal, Signal]
    if (stats[0]!.samples !== stats[1]!.samples)
      failures.push({ check: "length", detail: `input has ${stats[0]!.samples} samples, target ${stats[1]!.samples}` })
    if (a.channels.length !== b.channels.length)
      failures.push({ check: "length", detail: `input has ${a.channels.length} channel(s), target ${b.channels.length}` })
    if (on.has("sample_rate") && a.sampleRate !== b.sampleRate)
      failures.push({ check: "sample_rate", detail: `input at ${a.sampleRate} Hz, target at ${b.sampleRate} Hz` })
  }
  if (on.has("bounds")) {
    for (const [label, [min, max]] of Object.entries(p.bounds ?? {})) {
      const v: LabelValue | undefined = item.labels[label]
      if (v === undefined) continue
      if (typeof v !== "number") failures.push({ check: "bounds", detail: `label ${label} = ${JSON.stringify(v)} is not a number` })
      else if (!(v >= min && v <= max)) failures.push({ check: "bounds", detail: `label ${label} = ${v} outside [${min}, ${max}]` })
    }
    // applied-effect and synth-parameter labels against their schema range (explicit bounds win)
    if (p.schema_bounds)
      for (const [label, v] of Object.entries(item.labels)) {
        if (typeof v !== "number" || p.bounds?.[label] !== undefined) continue
        const effectRange = chainLabelRange(label)
        const range = effectRange ?? synthLabelRange(label)
        if (range === undefined) continue
        const owner = effectRange !== undefined ? "the effect's" : "amsynth's"
        if ((range.minimum !== undefined && v < range.minimum) || (range.maximum !== undefined && v > range.maximum))
          failures.push({ check: "bounds", detail: `label ${label} = ${v} outside ${owner} range [${range.minimum ?? "-inf"}, ${range.maximum ?? "inf"}]` })
      }
  }
  return { failures, stats }
}

export const datasetValidate: StageDefinition<ValidateParams> = {
  uses: "dataset.validate",
  version: 1,
  description:
    "Check every clip or pair — NaN/Inf, peak over 0 dBFS, clipped flat tops, silence, DC offset, input/target length " +
    "mismatch, sample-rate mismatch, label bounds — and stop, drop or warn on failures. The stage report lists every item " +
    "with its level statistics, failures and a sha256 of each of its stored WAV files.",
  params: object({
    checks: array(oneOf(CHECKS, { description: "Check" }), { description: `Checks to run (default all: ${CHECKS.join(", ")}).`, default: [...CHECKS] }),
    on_fail: oneOf(["error", "drop", "warn"], {
      description: '"error": stop the run listing the failures; "drop": leave failed items out; "warn": keep everything, warn.',
      default: "error"
    }),
    max_peak_db: number({ description: "Largest allowed sample peak.", maximum: 40, default: 0, unit: "dBFS", distribution: false }),
    clip_level: number({ description: "Level from which identical consecutive samples count as clipped.", exclusiveMinimum: 0, default: 0.99, distribution: false }),
    min_clip_run: integer({ description: "Length of a flat run at clip_level that fails the clipping check.", minimum: 2, default: 3, unit: "samples", distribution: false }),
    silence_db: number({ description: "RMS below this is silence.", maximum: 0, default: -60, unit: "dBFS", distribution: false }),
    max_dc: number({ description: "Largest allowed |mean| of a channel.", minimum: 0, default: 0.05, distribution: false }),
    bounds: record(array({ type: "number" }, { description: "[min, max]", minItems: 2, maxItems: 2 }), {
      description: "Allowed range per numeric label, e.g. { peak_reduction = [0, 100] }; items without the label pass."
    }),
    schema_bounds: boolean({
      description: "With the bounds check: also check applied-effect labels (fx.<i>.<uses>.<param>, from effects.chain) against the effect's schema range, and synth-parameter labels (synth.<param> and synth.<param>.norm, from source.synth) against amsynth's parameter ranges.",
      default: true
    }),
    sample_rate: integer({ description: "Expected rate; filled with the pipeline's sample_rate.", minimum: 1, unit: "Hz", default: 44100, distribution: false })
  }),
  inputs: { audio: { kinds: DATASET_KINDS, description: "AudioSet or PairedAudioSet" } },
  output: { sameAs: "audio" },
  run: (params, inputs, ctx) =>
    syncStage(ctx, () => {
      for (const [label, range] of Object.entries(params.bounds ?? {}))
        if (!(range[0]! <= range[1]!)) throw new ParameterError({ parameter: `bounds.${label}`, message: `dataset.validate: bounds.${label} = [${range.join(", ")}] has min > max` })
      const artifact = inputs["audio"]!
      // items are read one at a time (twice when some are dropped): memory does not grow with the set
      const dataset = openDataset(artifact)
      const roles = signalRoles(dataset.kind)
      const kept = new Set<number>()
      const failedIds: string[] = []
      const byCheck: Record<string, number> = {}
      ctx.progress.start(dataset.items.length, "items")
      const items = dataset.items.map((ref, index) => {
        const item = ref.load()
        const { failures, stats } = checkItem(item, roles, params)
        if (failures.length === 0) kept.add(index)
        else failedIds.push(item.id)
        for (const f of failures) byCheck[f.check] = (byCheck[f.check] ?? 0) + 1
        ctx.progress.update(index + 1)
        const signals = itemSignals(item)
        return {
          id: item.id,
          ...(item.split !== undefined ? { split: item.split } : {}),
          sha256: Object.fromEntries(signals.map((s, k) => [roles[k], sha256(encodeWav(s))])),
          samples: stats[0]!.samples,
          seconds: round(stats[0]!.samples / signals[0]!.sampleRate, 4),
          peak_db: Object.fromEntries(stats.map((s, k) => [roles[k], round(dB(s.peak))])),
          rms_db: Object.fromEntries(stats.map((s, k) => [roles[k], round(dB(s.rms))])),
          ok: failures.length === 0,
          failures
        }
      })
      ctx.report({ on_fail: params.on_fail, checks: params.checks, total: items.length, failed: failedIds.length, by_check: byCheck, items })
      if (failedIds.length === 0) return artifact
      const lines = items
        .filter((i) => !i.ok)
        .slice(0, 10)
        .map((i) => `  ${i.id}: ${i.failures.map((f) => f.detail).join("; ")}`)
      const summary = `dataset.validate: ${failedIds.length} of ${items.length} item(s) failed (${Object.entries(byCheck).map(([c, n]) => `${c} ${n}`).join(", ")}):\n${lines.join("\n")}${failedIds.length > 10 ? `\n  … and ${failedIds.length - 10} more (see the stage report)` : ""}`
      if (params.on_fail === "error") throw new DataError({ message: `${summary}\nFix the data, or set on_fail = "drop" or "warn".` })
      ctx.warn(summary)
      if (params.on_fail === "warn") return artifact
      if (kept.size === 0) throw new DataError({ message: `dataset.validate: every item failed and was dropped` })
      const out = new DatasetWriter(dataset.kind, ctx.scratchDir)
      dataset.items.forEach((ref, index) => {
        if (kept.has(index)) out.add(ref.load())
      })
      return out.finish()
    })
}

import { join } from "node:path"
import { listFiles } from "../audio/list-files.js"
import { AudioFormatError, DataError, withContext, ParameterError } from "../errors/audioml-error.js"
import { readAudioFile, type ChannelMode } from "../audio/read-audio-file.js"
import type { Signal } from "../dsp/signal.js"
import type { StageDefinition } from "../engine/stage.js"
import { array, boolean, integer, number, object, oneOf, record, string } from "../params/schema.js"
import { PAIRED_AUDIO_SET, encodePairedAudioSet, type Pair } from "./artifacts/paired-audio-set.js"
import { assertUniqueIds } from "./dataset-items.js"
import { fileSourceParams, pathParam, resolveDir, type SkippedFile } from "./source-common.js"
import { alignPair, type AlignMode } from "./source-pairs/align.js"
import { compileNameParams, labelsFromName, type NameParamsSpec } from "./source-pairs/name-params.js"
import { baseName, dirOf, pairByKey, type PairListing } from "./source-pairs/pair-files.js"
import { listSignalTrain, SIGNALTRAIN_LABELS } from "./source-pairs/signaltrain.js"
import { promiseStage } from "./stage-effect.js"

export interface PairsParams {
  readonly path: string
  readonly layout: "custom" | "signaltrain"
  readonly signaltrain_labels: readonly [string, string]
  readonly input_glob: string
  readonly target_glob: string
  readonly match: string
  readonly recursive: boolean
  readonly params_from_name?: NameParamsSpec
  readonly align: AlignMode
  readonly max_lag: number
  readonly min_correlation: number
  readonly lag_tolerance: number
  readonly periodicity: number
  readonly blip_calibration: boolean
  readonly max_pairs?: number
  readonly channels: ChannelMode
  readonly on_bad_file: "error" | "skip"
  readonly sample_rate: number
}

/** layout = "custom": inputs and targets by glob, paired by the first group of `match` within one folder. */
const listCustom = (root: string, p: PairsParams): PairListing => {
  let match: RegExp
  try {
    match = new RegExp(p.match)
  } catch (e) {
    throw new ParameterError({ parameter: "match", message: `match is not a valid regular expression: ${(e as Error).message}` })
  }
  const inputs = listFiles(root, { glob: p.input_glob, recursive: p.recursive })
  const targets = listFiles(root, { glob: p.target_glob, recursive: p.recursive })
  if (inputs.length === 0) throw new DataError({ message: `no file matches input_glob "${p.input_glob}" under "${p.path}"` })
  if (targets.length === 0) throw new DataError({ message: `no file matches target_glob "${p.target_glob}" under "${p.path}"` })
  const both = inputs.filter((f) => targets.includes(f))
  if (both.length > 0) throw new DataError({ message: `${both[0]} matches both input_glob and target_glob: make the globs disjoint` })
  const keyed = (files: string[]) =>
    files.map((file) => {
      const m = match.exec(baseName(file))
      if (m === null || m[1] === undefined) throw new DataError({ message: `${file}: name does not match /${p.match}/ (its first group is the pairing id)` })
      const dir = dirOf(file)
      return { file, key: dir === "" ? m[1] : `${dir}/${m[1]}` }
    })
  return pairByKey(keyed(inputs), keyed(targets), () => ({}))
}

const lengthOf = (s: Signal): number => s.channels[0]!.length
const trim = (s: Signal, n: number): Signal => (lengthOf(s) === n ? s : { sampleRate: s.sampleRate, channels: s.channels.map((c) => c.slice(0, n)) })

export const sourcePairs: StageDefinition<PairsParams> = {
  uses: "source.pairs",
  version: 3,
  description:
    "A PairedAudioSet of dry/wet recordings from a folder: inputs and targets found by glob and paired by an id in their " +
    'names (or the SignalTrain LA-2A layout with layout = "signaltrain"), knob values parsed from file names into labels, ' +
    "resampled to the pipeline rate, and each pair's alignment measured by FFT cross-correlation (checked, fixed or dropped).",
  params: object(
    {
      path: pathParam("Folder to read, relative to the config file's folder."),
      layout: oneOf(["custom", "signaltrain"], {
        description:
          '"custom": input_glob / target_glob / match. "signaltrain": Train|Val|Test/input_<id>_*.wav with target_<id>_*.wav, labels signaltrain_labels (limit and peak_reduction) from the target name, the folder as split (the globs and match are then ignored).',
        default: "custom"
      }),
      signaltrain_labels: array(string({ description: "Label name", pattern: "^[A-Za-z_][A-Za-z0-9_.]*$" }), {
        description: 'layout = "signaltrain": the label names of the two knobs in a target name …__<first>__<second>.wav (the LA-2A\'s limit switch and peak reduction)',
        default: [...SIGNALTRAIN_LABELS],
        minItems: 2,
        maxItems: 2
      }),
      input_glob: string({ description: "Dry files (glob on the file name, or the relative path if it contains '/').", default: "input_*.wav" }),
      target_glob: string({ description: "Wet files.", default: "target_*.wav" }),
      match: string({ description: "Regex on the file name whose first group is the id that pairs an input with its target(s) in the same folder.", default: "^(?:input|target)_([^_.]+)" }),
      recursive: boolean({ description: "Descend into sub-folders (a pair's files must share one folder; a Train/Val/Test folder sets the split).", default: true }),
      params_from_name: object(
        {
          pattern: string({ description: "Regex with named groups, e.g. \"_drive(?<drive>[0-9.]+)\"; each group becomes a label." }),
          file: oneOf(["input", "target"], { description: "Which file name the pattern reads.", default: "target" }),
          types: record(oneOf(["number", "integer", "string", "boolean"], { description: "Label type" }), {
            description: "Type per group name (default number)."
          })
        },
        { required: ["pattern"], description: "Knob values from file names: named regex groups → typed labels." }
      ),
      align: oneOf(["none", "check", "fix", "drop"], {
        description:
          '"check": measure each pair\'s lag and correlation and report them; "fix": shift by the measured lag, trimming both to the overlap (pairs below min_correlation are dropped); "drop": drop pairs with a non-zero lag or low correlation; "none": skip the measurement.',
        default: "check"
      }),
      max_lag: integer({ description: "Largest lag searched, either way.", minimum: 0, maximum: 1_000_000, unit: "samples", default: 4096, distribution: false }),
      min_correlation: number({ description: "Smallest |normalised cross-correlation| for a trustworthy alignment.", minimum: 0, maximum: 1, default: 0.5, distribution: false }),
      lag_tolerance: number({
        description:
          "Relative tie tolerance of the cross-correlation peak: peaks within this fraction of the largest are near-ties, and the smallest |lag| among them wins.",
        minimum: 0,
        maximum: 0.5,
        default: 0.01,
        distribution: false
      }),
      periodicity: number({
        description:
          "A lag at which the input's own normalised autocorrelation reaches this (after dipping between) is a period of a periodic input: rejected, and the peak is searched again within half of it. 0 turns the check off.",
        minimum: 0,
        maximum: 1,
        default: 0.5,
        distribution: false
      }),
      blip_calibration: boolean({
        description:
          "When a pair's input begins with a blip (a spike of at most 32 samples after silence, then max_lag samples of silence), take the lag from the target's first rise above its noise floor after it (NAM's calibration) instead of cross-correlation.",
        default: false
      }),
      max_pairs: integer({ description: "Use only the first N pairs (sorted by id).", minimum: 1, distribution: false }),
      ...fileSourceParams
    },
    { required: ["path"] }
  ),
  inputs: {},
  // the folder's content is part of the cache key: adding or editing a file reruns the source
  externalPaths: (params) => [params.path],
  output: PAIRED_AUDIO_SET,
  run: (params, _inputs, ctx) =>
    promiseStage(ctx, async () => {
      const root = resolveDir(ctx.configDir, params.path, "source.pairs")
      const nameParams = params.params_from_name === undefined ? undefined : compileNameParams({ ...params.params_from_name, file: params.params_from_name.file ?? "target" })
      let listing: PairListing
      try {
        if (params.layout === "signaltrain" && params.signaltrain_labels[0] === params.signaltrain_labels[1]) {
          throw new ParameterError({ parameter: "signaltrain_labels", message: `signaltrain_labels names both knobs "${params.signaltrain_labels[0]}": give two different names` })
        }
        listing = params.layout === "signaltrain" ? listSignalTrain(root, params.signaltrain_labels) : listCustom(root, params)
      } catch (e) {
        throw withContext(e, `source.pairs`)
      }
      let found = listing.pairs
      if (found.length === 0) throw new DataError({ message: `source.pairs: no input/target pairs under "${params.path}" (${listing.unmatched.length} unmatched file(s))` })
      if (listing.unmatched.length > 0) ctx.warn(`source.pairs: ${listing.unmatched.length} file(s) without a partner (listed in the report)`)
      if (params.max_pairs !== undefined) found = found.slice(0, params.max_pairs)

      ctx.progress.start(found.length, "pairs")
      const pairs: Pair[] = []
      const skipped: SkippedFile[] = []
      const alignment: unknown[] = []
      const lengthMismatch: unknown[] = []
      const read = { channels: params.channels, sampleRate: params.sample_rate }
      for (const [index, files] of found.entries()) {
        let input: Signal
        let target: Signal
        let labels = files.labels
        try {
          // both read at once, but a failure is reported in a fixed order (the input's first): with
          // Promise.all, whichever read failed first named the file, so the report varied by timing
          const [inputRead, targetRead] = await Promise.allSettled([readAudioFile(join(root, files.input), read), readAudioFile(join(root, files.target), read)])
          if (inputRead.status === "rejected") throw inputRead.reason
          if (targetRead.status === "rejected") throw targetRead.reason
          input = inputRead.value
          target = targetRead.value
          if (nameParams !== undefined)
            labels = { ...labels, ...labelsFromName(nameParams, nameParams.spec.file === "input" ? files.input : files.target) }
        } catch (e) {
          if (params.on_bad_file === "error") throw e
          const file = e instanceof AudioFormatError ? e.file.slice(root.length + 1) : `${files.input} / ${files.target}`
          const reason = e instanceof AudioFormatError ? e.reason : (e as Error).message
          skipped.push({ file, reason })
          ctx.warn(`source.pairs: skipped pair ${files.id}: ${(e as Error).message}`)
          continue
        }
        if (input.channels.length !== target.channels.length) {
          const msg = `${files.input} has ${input.channels.length} channel(s) but ${files.target} has ${target.channels.length}; use channels = "mono"`
          if (params.on_bad_file === "error") throw new DataError({ message: `source.pairs: ${msg}` })
          skipped.push({ file: `${files.input} / ${files.target}`, reason: msg })
          continue
        }
        const n = Math.min(lengthOf(input), lengthOf(target))
        if (lengthOf(input) !== lengthOf(target)) {
          lengthMismatch.push({ id: files.id, input_samples: lengthOf(input), target_samples: lengthOf(target), kept: n })
          input = trim(input, n)
          target = trim(target, n)
        }
        const aligned = alignPair(input, target, params.align, {
          maxLag: params.max_lag,
          minCorrelation: params.min_correlation,
          lagTolerance: params.lag_tolerance,
          periodicity: params.periodicity,
          blipCalibration: params.blip_calibration
        })
        alignment.push({
          id: files.id,
          lag: aligned.lag,
          correlation: aligned.correlation === null ? null : Number(aligned.correlation.toFixed(6)),
          method: aligned.method,
          ...(aligned.rejected.length > 0
            ? {
                rejected: aligned.rejected.map((x) => ({
                  lag: x.lag,
                  correlation: Number(x.correlation.toFixed(6)),
                  autocorrelation: Number(x.autocorrelation.toFixed(6))
                }))
              }
            : {}),
          action: aligned.action,
          ...(aligned.reason !== undefined ? { reason: aligned.reason } : {})
        })
        if (aligned.action !== "dropped")
          pairs.push({
            id: files.id,
            input: aligned.input,
            target: aligned.target,
            labels: { ...labels, input_file: files.input, target_file: files.target },
            ...(files.split !== undefined ? { split: files.split } : {})
          })
        ctx.progress.update(index + 1)
      }
      const misaligned = alignment.filter((a) => (a as { lag: number | null }).lag !== 0 && (a as { lag: number | null }).lag !== null).length
      if (params.align === "check" && misaligned > 0)
        ctx.warn(`source.pairs: ${misaligned} pair(s) have a non-zero lag (see the report; align = "fix" shifts them)`)
      ctx.report({
        layout: params.layout,
        pairs: pairs.length,
        sample_rate: params.sample_rate,
        alignment,
        length_mismatch: lengthMismatch,
        skipped,
        unmatched: listing.unmatched
      })
      if (pairs.length === 0) throw new DataError({ message: `source.pairs: every pair was skipped or dropped (see the stage report)` })
      assertUniqueIds(pairs, "source.pairs")
      return encodePairedAudioSet({ pairs })
    })
}

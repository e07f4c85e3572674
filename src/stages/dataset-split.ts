import { createHash } from "node:crypto"
import type { StageDefinition } from "../engine/stage.js"
import { number, object, oneOf } from "../params/schema.js"
import type { Split } from "./artifacts/labels.js"
import { DATASET_KINDS, DatasetWriter, openDataset, rebuildItem } from "./dataset-items.js"
import { syncStage } from "./stage-effect.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"

export interface SplitParams {
  readonly train: number
  readonly val: number
  readonly test: number
  readonly by: "hash" | "source"
  readonly group: "recording" | "clip"
}

/** The id without segment (`#<n>`) and repeat (`~<r>`) suffixes: all windows of one recording. */
export const recordingOf = (id: string): string => id.replace(/(?:#\d+|~\d+)+$/, "")

/** A uniform number in [0, 1) from sha256(seed, key): depends on nothing else, so adding clips moves no other clip. */
export const hashUnit = (seed: number, key: string): number =>
  createHash("sha256").update(`${seed}\u0000${key}`).digest().readUIntBE(0, 6) / 2 ** 48

export const splitFor = (u: number, train: number, val: number): Split => (u < train ? "train" : u < train + val ? "val" : "test")

export const datasetSplit: StageDefinition<SplitParams> = {
  uses: "dataset.split",
  version: 1,
  description:
    "Assign every clip or pair to train / val / test: by a hash of (stage seed, recording id) in the given fractions — " +
    "deterministic and stable when clips are added — or keeping the split the source set (e.g. SignalTrain's Train/Val/Test folders).",
  params: object({
    train: number({ description: "Fraction for training.", minimum: 0, maximum: 1, default: 0.8, distribution: false }),
    val: number({ description: "Fraction for validation.", minimum: 0, maximum: 1, default: 0.1, distribution: false }),
    test: number({ description: "Fraction for testing (train + val + test = 1).", minimum: 0, maximum: 1, default: 0.1, distribution: false }),
    by: oneOf(["hash", "source"], {
      description: '"hash": by the fractions; "source": keep each item\'s existing split (items without one are hashed).',
      default: "hash"
    }),
    group: oneOf(["recording", "clip"], {
      description:
        '"recording": hash the id without #<n> / ~<r> suffixes so all segments of one recording share a split (no leakage); "clip": hash each id.',
      default: "recording"
    })
  }),
  checkConfig: (params) => {
    const sum = params.train + params.val + params.test
    return Math.abs(sum - 1) > 1e-6
      ? [{ path: "", message: `train + val + test must be 1, got ${params.train} + ${params.val} + ${params.test} = ${Math.round(sum * 1e6) / 1e6}` }]
      : []
  },
  inputs: { audio: { kinds: DATASET_KINDS, description: "AudioSet or PairedAudioSet" } },
  output: { sameAs: "audio" },
  run: (params, inputs, ctx) =>
    syncStage(ctx, () => {
      const sum = params.train + params.val + params.test
      if (Math.abs(sum - 1) > 1e-6)
        throw new ParameterError({ parameter: "train", message: `dataset.split: train + val + test must be 1, got ${params.train} + ${params.val} + ${params.test} = ${sum}` })
      // one item read and written at a time: memory does not grow with the set
      const dataset = openDataset(inputs["audio"]!)
      const out = new DatasetWriter(dataset.kind, ctx.scratchDir)
      let hashed = 0
      const counts = { train: 0, val: 0, test: 0 }
      for (const ref of dataset.items) {
        const item = ref.load()
        let split = item.split
        if (!(params.by === "source" && split !== undefined)) {
          hashed++
          const key = params.group === "recording" ? recordingOf(item.id) : item.id
          split = splitFor(hashUnit(ctx.seed, key), params.train, params.val)
        }
        counts[split!]++
        out.add(split === item.split ? item : rebuildItem(item, { split }))
      }
      if (params.by === "source" && hashed > 0) ctx.warn(`dataset.split: ${hashed} item(s) had no split of their own and were assigned by hash`)
      ctx.report({ by: params.by, counts, hashed })
      return out.finish()
    })
}

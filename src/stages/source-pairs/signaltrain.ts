import { listFiles } from "../../audio/list-files.js"
import { baseName, pairByKey, splitOfPath, stem, type PairListing } from "./pair-files.js"
import { DataError } from "../../errors/audioml-error.js"

/**
 * The SignalTrain LA-2A dataset layout (Hawley et al., Zenodo "SignalTrain LA2A Dataset"):
 *   Train|Val|Test/input_<id>_*.wav  and  Train|Val|Test/target_<id>_*.wav
 * e.g. Train/input_140_.wav with Train/target_140_LA2A_3c__0__15.wav. The id is the second
 * '_'-separated token; the target name split on "__" gives the compressor's knobs:
 * [1] (0 = compress, 1 = limit) and [2] (peak reduction, 0–100), labelled `limit` and
 * `peak_reduction` unless `names` says otherwise. Pairs keep the dataset's own split.
 */
export const SIGNALTRAIN_SPLITS = ["Train", "Val", "Test"] as const

/** The default label names of the two knobs in a SignalTrain target name: the LA-2A's limit switch and peak reduction. */
export const SIGNALTRAIN_LABELS: readonly [string, string] = ["limit", "peak_reduction"]

/**
 * The labels SignalTrain encodes in a target file name: the "__"-separated fields [1] and [2]
 * as numbers, under `names` (default {@link SIGNALTRAIN_LABELS}).
 *
 * @example signalTrainLabels("Train/target_140_LA2A_3c__0__15.wav") // { limit: 0, peak_reduction: 15 }
 */
export const signalTrainLabels = (targetFile: string, names: readonly [string, string] = SIGNALTRAIN_LABELS): Record<string, number> => {
  const parts = stem(targetFile).split("__")
  const first = Number(parts[1])
  const second = Number(parts[2])
  if (parts.length < 3 || parts[1] === "" || parts[2] === "" || !Number.isFinite(first) || !Number.isFinite(second))
    throw new DataError({ message: `SignalTrain target "${baseName(targetFile)}" does not end in __<${names[0]}>__<${names[1]}>.wav (e.g. target_140_LA2A_3c__0__15.wav)` })
  return { [names[0]]: first, [names[1]]: second }
}

/** The pairing id: the second '_'-token of input_<id>_… / target_<id>_…. */
export const signalTrainId = (file: string): string | undefined => {
  const tokens = baseName(file).split("_")
  return tokens.length >= 2 && tokens[1] !== "" ? tokens[1]!.replace(/\.wav$/i, "") : undefined
}

/** Every SignalTrain pair under `root` (Train/, Val/, Test/), labelled by {@link signalTrainLabels} with `names`. */
export const listSignalTrain = (root: string, names: readonly [string, string] = SIGNALTRAIN_LABELS): PairListing => {
  const files = listFiles(root, { glob: "{Train,Val,Test}/*.wav", recursive: true })
  if (files.length === 0) throw new DataError({ message: `no Train/, Val/ or Test/ folder with WAV files (layout = "signaltrain")` })
  const inputs: Array<{ file: string; key: string }> = []
  const targets: Array<{ file: string; key: string }> = []
  const unmatched: string[] = []
  for (const file of files) {
    const name = baseName(file).toLowerCase()
    const id = signalTrainId(file)
    const split = file.slice(0, file.indexOf("/"))
    // pair only inside one split folder: key = "<Split>/<id>" (folder spelled as on disk)
    const role = name.startsWith("input_") ? inputs : name.startsWith("target_") ? targets : undefined
    if (role === undefined || id === undefined || splitOfPath(file) === undefined) unmatched.push(file)
    else role.push({ file, key: `${split}/${id}` })
  }
  const listing = pairByKey(inputs, targets, (_input, target) => signalTrainLabels(target, names))
  return { pairs: listing.pairs, unmatched: [...listing.unmatched, ...unmatched].sort() }
}

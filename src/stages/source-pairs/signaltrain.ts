import { listFiles } from "../../audio/list-files.js"
import { baseName, pairByKey, splitOfPath, stem, type PairListing } from "./pair-files.js"
import { DataError } from "../../errors/audioml-error.js"

/**
 * The SignalTrain LA-2A dataset layout (Hawley et al., Zenodo "SignalTrain LA2A Dataset"):
 *   Train|Val|Test/input_<id>_*.wav  and  Train|Val|Test/target_<id>_*.wav
 * e.g. Train/input_140_.wav with Train/target_140_LA2A_3c__0__15.wav. The id is the second
 * '_'-separated token; the target name split on "__" gives the compressor's knobs:
 * limit = [1] (0 = compress, 1 = limit), peak_reduction = [2] (0–100). Pairs keep the
 * dataset's own split.
 */
export const SIGNALTRAIN_SPLITS = ["Train", "Val", "Test"] as const

/** The labels SignalTrain encodes in a target file name. */
export const signalTrainLabels = (targetFile: string): { limit: number; peak_reduction: number } => {
  const parts = stem(targetFile).split("__")
  const limit = Number(parts[1])
  const peak = Number(parts[2])
  if (parts.length < 3 || parts[1] === "" || parts[2] === "" || !Number.isFinite(limit) || !Number.isFinite(peak))
    throw new DataError({ message: `SignalTrain target "${baseName(targetFile)}" does not end in __<limit>__<peak_reduction>.wav (e.g. target_140_LA2A_3c__0__15.wav)` })
  return { limit, peak_reduction: peak }
}

/** The pairing id: the second '_'-token of input_<id>_… / target_<id>_…. */
export const signalTrainId = (file: string): string | undefined => {
  const tokens = baseName(file).split("_")
  return tokens.length >= 2 && tokens[1] !== "" ? tokens[1]!.replace(/\.wav$/i, "") : undefined
}

export const listSignalTrain = (root: string): PairListing => {
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
  const listing = pairByKey(inputs, targets, (_input, target) => signalTrainLabels(target))
  return { pairs: listing.pairs, unmatched: [...listing.unmatched, ...unmatched].sort() }
}

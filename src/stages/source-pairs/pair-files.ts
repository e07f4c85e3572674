import type { Split,} from "../artifacts/labels.js"
import type { Labels } from "../../params/labels.js"
import { DataError } from "../../errors/audioml-error.js"

/** One dry/wet file pair found on disk, before reading: paths relative to the source folder. */
export interface PairFiles {
  readonly id: string
  readonly input: string
  readonly target: string
  readonly labels: Labels
  readonly split?: Split | undefined
}

export interface PairListing {
  readonly pairs: ReadonlyArray<PairFiles>
  /** Files that matched a glob but found no partner. */
  readonly unmatched: ReadonlyArray<string>
}

const SPLIT_NAMES: Readonly<Record<string, Split>> = {
  train: "train",
  training: "train",
  val: "val",
  valid: "val",
  validation: "val",
  test: "test",
  testing: "test"
}

/** The split named by the first folder of a relative path (Train/…, val/…, Test/…), if any. */
export const splitOfPath = (relPath: string): Split | undefined => {
  const slash = relPath.indexOf("/")
  return slash < 0 ? undefined : SPLIT_NAMES[relPath.slice(0, slash).toLowerCase()]
}

export const dirOf = (relPath: string): string => {
  const slash = relPath.lastIndexOf("/")
  return slash < 0 ? "" : relPath.slice(0, slash)
}

export const baseName = (relPath: string): string => relPath.slice(relPath.lastIndexOf("/") + 1)

export const stem = (relPath: string): string => baseName(relPath).replace(/\.[^.]*$/, "")

/**
 * Pair inputs with targets that share a key; several targets for one input give one
 * pair each (id `<key>/<target stem>`), a single target gives id `<key>`.
 */
export const pairByKey = (
  inputs: ReadonlyArray<{ readonly file: string; readonly key: string }>,
  targets: ReadonlyArray<{ readonly file: string; readonly key: string }>,
  labelsOf: (input: string, target: string) => Labels
): PairListing => {
  const inputByKey = new Map<string, string>()
  const unmatched: string[] = []
  for (const { file, key } of inputs) {
    const other = inputByKey.get(key)
    if (other !== undefined) throw new DataError({ message: `two input files share the pairing key "${key}": ${other} and ${file}` })
    inputByKey.set(key, file)
  }
  const targetsByKey = new Map<string, string[]>()
  for (const { file, key } of targets) {
    if (!inputByKey.has(key)) unmatched.push(file)
    else targetsByKey.set(key, [...(targetsByKey.get(key) ?? []), file])
  }
  const pairs: PairFiles[] = []
  for (const [key, input] of inputByKey) {
    const ts = targetsByKey.get(key)
    if (ts === undefined) {
      unmatched.push(input)
      continue
    }
    for (const target of ts)
      pairs.push({ id: ts.length === 1 ? key : `${key}/${stem(target)}`, input, target, labels: labelsOf(input, target), split: splitOfPath(input) })
  }
  pairs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  unmatched.sort()
  return { pairs, unmatched }
}

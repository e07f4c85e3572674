import type { Artifact } from "../engine/artifact.js"
import type { Signal } from "../dsp/signal.js"
import { AUDIO_SET, AudioSetWriter, decodeAudioSet, encodeAudioSet, openAudioSet, type Clip } from "./artifacts/audio-set.js"
import {
  PAIRED_AUDIO_SET,
  PairedAudioSetWriter,
  decodePairedAudioSet,
  encodePairedAudioSet,
  openPairedAudioSet,
  type Pair
} from "./artifacts/paired-audio-set.js"
import { safeId, type Split } from "./artifacts/labels.js"
import type { Labels } from "../params/labels.js"
import { DataError } from "../errors/audioml-error.js"

/**
 * AudioSet and PairedAudioSet seen uniformly, for stages that accept either (split,
 * validate, segment, concat): an item is a clip or a pair, its signals are [audio] or
 * [input, target], and rebuilding keeps the kind.
 */
export type Dataset =
  | { readonly kind: typeof AUDIO_SET; readonly items: ReadonlyArray<Clip> }
  | { readonly kind: typeof PAIRED_AUDIO_SET; readonly items: ReadonlyArray<Pair> }

export type Item = Clip | Pair

export const DATASET_KINDS: ReadonlyArray<string> = [AUDIO_SET, PAIRED_AUDIO_SET]

export const isPair = (item: Item): item is Pair => "input" in item

export const decodeDataset = (artifact: Artifact): Dataset => {
  if (artifact.kind === AUDIO_SET) return { kind: AUDIO_SET, items: decodeAudioSet(artifact).clips }
  if (artifact.kind === PAIRED_AUDIO_SET) return { kind: PAIRED_AUDIO_SET, items: decodePairedAudioSet(artifact).pairs }
  throw new DataError({ message: `expected an AudioSet or a PairedAudioSet, got a ${artifact.kind}` })
}

export const encodeDataset = (dataset: Dataset): Artifact =>
  dataset.kind === AUDIO_SET ? encodeAudioSet({ clips: dataset.items }) : encodePairedAudioSet({ pairs: dataset.items })

/** An item of a stored dataset: metadata now, signals read and decoded on `load()`. */
export interface ItemRef {
  readonly id: string
  readonly labels: Labels
  readonly split?: Split | undefined
  readonly load: () => Item
}

/** A stored dataset as item references, for stages that stream items (one in memory at a time). */
export interface DatasetRefs {
  readonly kind: Dataset["kind"]
  readonly items: ReadonlyArray<ItemRef>
}

export const openDataset = (artifact: Artifact): DatasetRefs => {
  if (artifact.kind === AUDIO_SET) return { kind: AUDIO_SET, items: openAudioSet(artifact) }
  if (artifact.kind === PAIRED_AUDIO_SET) return { kind: PAIRED_AUDIO_SET, items: openPairedAudioSet(artifact) }
  throw new DataError({ message: `expected an AudioSet or a PairedAudioSet, got a ${artifact.kind}` })
}

/**
 * Writes a dataset of one kind item by item through the stage's scratch folder; the
 * artifact is byte-identical to encodeDataset's for the same items.
 */
export class DatasetWriter {
  private readonly writer: AudioSetWriter | PairedAudioSetWriter

  constructor(
    readonly kind: Dataset["kind"],
    scratchDir: string
  ) {
    this.writer = kind === AUDIO_SET ? new AudioSetWriter(scratchDir) : new PairedAudioSetWriter(scratchDir)
  }

  /** Add an item of the writer's kind. */
  add(item: Item): void {
    if (this.writer instanceof AudioSetWriter) this.writer.add(item as Clip)
    else this.writer.add(item as Pair)
  }

  get count(): number {
    return this.writer.count
  }

  finish(): Artifact {
    return this.writer.finish()
  }
}

/** [audio] for a clip, [input, target] for a pair. */
export const itemSignals = (item: Item): ReadonlyArray<Signal> => (isPair(item) ? [item.input, item.target] : [item.audio])

/** The names of itemSignals' entries, for reports. */
export const signalRoles = (kind: Dataset["kind"]): ReadonlyArray<string> => (kind === AUDIO_SET ? ["audio"] : ["input", "target"])

export interface ItemPatch {
  readonly id?: string
  readonly labels?: Labels
  readonly split?: Split | undefined
  /** Same count and order as itemSignals(item). */
  readonly signals?: ReadonlyArray<Signal>
}

/** A copy of the item with some fields replaced; `split: undefined` in the patch clears it. */
export const rebuildItem = <T extends Item>(item: T, patch: ItemPatch): T => {
  const id = patch.id ?? item.id
  const labels = patch.labels ?? item.labels
  const split = "split" in patch ? patch.split : item.split
  const s = patch.signals
  if (isPair(item)) {
    const pair: Pair = { id, input: s?.[0] ?? item.input, target: s?.[1] ?? item.target, labels, ...(split !== undefined ? { split } : {}) }
    return pair as T
  }
  const clip: Clip = { id, audio: s?.[0] ?? item.audio, labels, ...(split !== undefined ? { split } : {}) }
  return clip as T
}

/** A dataset of the same kind from new items (which must be of that kind). */
export const withItems = (dataset: Dataset, items: ReadonlyArray<Item>): Dataset =>
  dataset.kind === AUDIO_SET
    ? { kind: AUDIO_SET, items: items as ReadonlyArray<Clip> }
    : { kind: PAIRED_AUDIO_SET, items: items as ReadonlyArray<Pair> }

/**
 * Clip ids must stay unique, and so must the file names derived from them (safeId maps
 * "a/b" and "a_b" to the same name).
 */
export const assertUniqueIds = (items: ReadonlyArray<Item>, what: string): void => {
  const seen = new Map<string, string>()
  for (const item of items) {
    const name = safeId(item.id)
    const other = seen.get(name)
    if (other !== undefined)
      throw new DataError({ message: other === item.id
          ? `${what}: duplicate clip id "${item.id}"`
          : `${what}: clip ids "${other}" and "${item.id}" map to the same file name "${name}"; rename one of them` })
    seen.set(name, item.id)
  }
}

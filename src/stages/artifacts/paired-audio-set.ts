import { makeArtifact, jsonBytes, readJsonFile, type Artifact } from "../../engine/artifact.js"
import { decodeWav, encodeWav } from "../../audio/wav.js"
import type { Signal } from "../../dsp/signal.js"
import type { Labels } from "../../params/labels.js"
import { safeId, type Split } from "./labels.js"
import { ScratchArtifactWriter } from "./scratch-artifact.js"

export const PAIRED_AUDIO_SET = "PairedAudioSet"

/** A dry input and its wet target, same rate and length, with the labels that made it. */
export interface Pair {
  readonly id: string
  readonly input: Signal
  readonly target: Signal
  readonly labels: Labels
  readonly split?: Split | undefined
}

export interface PairedAudioSet {
  readonly pairs: ReadonlyArray<Pair>
}

/** A pair of a stored PairedAudioSet whose audio is read only when `load` is called. */
export interface PairRef {
  readonly id: string
  readonly labels: Labels
  readonly split?: Split | undefined
  /** Frames per channel, from the metadata (no audio read). */
  readonly samples: number
  readonly sampleRate: number
  /** Read and decode both signals (each call reads them again; nothing is kept). */
  readonly load: () => Pair
}

interface PairMeta {
  readonly id: string
  readonly input: string
  readonly target: string
  readonly sample_rate: number
  readonly samples: number
  readonly labels: Labels
  readonly split?: Split
}

const pairMeta = (pair: Pair): PairMeta => ({
  id: pair.id,
  input: `input/${safeId(pair.id)}.wav`,
  target: `target/${safeId(pair.id)}.wav`,
  sample_rate: pair.input.sampleRate,
  samples: pair.input.channels[0]?.length ?? 0,
  labels: pair.labels,
  ...(pair.split !== undefined ? { split: pair.split } : {})
})

const metaBytes = (pairs: ReadonlyArray<PairMeta>): Uint8Array => jsonBytes({ kind: PAIRED_AUDIO_SET, pairs })

/** Stored as meta.json plus input/<id>.wav and target/<id>.wav (32-bit float). Holds every pair in memory; see PairedAudioSetWriter. */
export const encodePairedAudioSet = (set: PairedAudioSet): Artifact => {
  const files: Array<readonly [string, Uint8Array]> = []
  const pairs: PairMeta[] = set.pairs.map((pair) => {
    const meta = pairMeta(pair)
    files.push([meta.input, encodeWav(pair.input)], [meta.target, encodeWav(pair.target)])
    return meta
  })
  files.push(["meta.json", metaBytes(pairs)])
  return makeArtifact(PAIRED_AUDIO_SET, files)
}

/**
 * Writes a PairedAudioSet one pair at a time through the stage's scratch folder: memory
 * does not grow with the number of pairs. Byte-identical to encodePairedAudioSet's output.
 */
export class PairedAudioSetWriter {
  private readonly writer: ScratchArtifactWriter
  private readonly metas: PairMeta[] = []

  /** `scratchDir`: the stage's `ctx.scratchDir`. */
  constructor(scratchDir: string) {
    this.writer = new ScratchArtifactWriter(PAIRED_AUDIO_SET, scratchDir)
  }

  add(pair: Pair): void {
    const meta = pairMeta(pair)
    this.writer.put(meta.input, encodeWav(pair.input))
    this.writer.put(meta.target, encodeWav(pair.target))
    this.metas.push(meta)
  }

  /** Pairs added so far. */
  get count(): number {
    return this.metas.length
  }

  finish(): Artifact {
    this.writer.putInMemory("meta.json", metaBytes(this.metas))
    return this.writer.finish()
  }
}

/** The pairs of a PairedAudioSet artifact as references: metadata now, audio on `load()`. */
export const openPairedAudioSet = (artifact: Artifact): ReadonlyArray<PairRef> =>
  readJsonFile<{ pairs: PairMeta[] }>(artifact, "meta.json").pairs.map((m) => ({
    id: m.id,
    labels: m.labels,
    split: m.split,
    samples: m.samples,
    sampleRate: m.sample_rate,
    load: () => ({
      id: m.id,
      input: decodeWav(artifact.files.get(m.input)!, { file: m.input }),
      target: decodeWav(artifact.files.get(m.target)!, { file: m.target }),
      labels: m.labels,
      split: m.split
    })
  }))

/** Every pair decoded into memory (for stages that need the whole set at once). */
export const decodePairedAudioSet = (artifact: Artifact): PairedAudioSet => ({ pairs: openPairedAudioSet(artifact).map((ref) => ref.load()) })

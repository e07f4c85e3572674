import { makeArtifact, jsonBytes, readJsonFile, type Artifact } from "../../engine/artifact.js"
import { decodeWav, encodeWav } from "../../audio/wav.js"
import type { Signal } from "../../dsp/signal.js"
import type { Labels } from "../../params/labels.js"
import { safeId, type Split } from "./labels.js"

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

interface PairMeta {
  readonly id: string
  readonly input: string
  readonly target: string
  readonly sample_rate: number
  readonly samples: number
  readonly labels: Labels
  readonly split?: Split
}

/** Stored as meta.json plus input/<id>.wav and target/<id>.wav (32-bit float). */
export const encodePairedAudioSet = (set: PairedAudioSet): Artifact => {
  const files: Array<readonly [string, Uint8Array]> = []
  const pairs: PairMeta[] = set.pairs.map((pair) => {
    const input = `input/${safeId(pair.id)}.wav`
    const target = `target/${safeId(pair.id)}.wav`
    files.push([input, encodeWav(pair.input)], [target, encodeWav(pair.target)])
    return {
      id: pair.id,
      input,
      target,
      sample_rate: pair.input.sampleRate,
      samples: pair.input.channels[0]?.length ?? 0,
      labels: pair.labels,
      ...(pair.split !== undefined ? { split: pair.split } : {})
    }
  })
  files.push(["meta.json", jsonBytes({ kind: PAIRED_AUDIO_SET, pairs })])
  return makeArtifact(PAIRED_AUDIO_SET, files)
}

export const decodePairedAudioSet = (artifact: Artifact): PairedAudioSet => {
  const meta = readJsonFile<{ pairs: PairMeta[] }>(artifact, "meta.json")
  return {
    pairs: meta.pairs.map((m) => ({
      id: m.id,
      input: decodeWav(artifact.files.get(m.input)!, { file: m.input }),
      target: decodeWav(artifact.files.get(m.target)!, { file: m.target }),
      labels: m.labels,
      split: m.split
    }))
  }
}

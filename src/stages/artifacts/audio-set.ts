import { makeArtifact, jsonBytes, readJsonFile, type Artifact } from "../../engine/artifact.js"
import { decodeWav, encodeWav } from "../../audio/wav.js"
import type { Signal } from "../../dsp/signal.js"
import type { Labels } from "../../params/labels.js"
import { safeId, type Split } from "./labels.js"

export const AUDIO_SET = "AudioSet"

export interface Clip {
  readonly id: string
  readonly audio: Signal
  readonly labels: Labels
  readonly split?: Split | undefined
}

export interface AudioSet {
  readonly clips: ReadonlyArray<Clip>
}

interface ClipMeta {
  readonly id: string
  readonly file: string
  readonly sample_rate: number
  readonly channels: number
  readonly samples: number
  readonly labels: Labels
  readonly split?: Split
}

/** Stored as meta.json plus clips/<id>.wav (32-bit float). */
export const encodeAudioSet = (set: AudioSet): Artifact => {
  const files: Array<readonly [string, Uint8Array]> = []
  const clips: ClipMeta[] = set.clips.map((clip) => {
    const file = `clips/${safeId(clip.id)}.wav`
    files.push([file, encodeWav(clip.audio)])
    return {
      id: clip.id,
      file,
      sample_rate: clip.audio.sampleRate,
      channels: clip.audio.channels.length,
      samples: clip.audio.channels[0]?.length ?? 0,
      labels: clip.labels,
      ...(clip.split !== undefined ? { split: clip.split } : {})
    }
  })
  files.push(["meta.json", jsonBytes({ kind: AUDIO_SET, clips })])
  return makeArtifact(AUDIO_SET, files)
}

export const decodeAudioSet = (artifact: Artifact): AudioSet => {
  const meta = readJsonFile<{ clips: ClipMeta[] }>(artifact, "meta.json")
  return {
    clips: meta.clips.map((m) => ({
      id: m.id,
      audio: decodeWav(artifact.files.get(m.file)!, { file: m.file }),
      labels: m.labels,
      split: m.split
    }))
  }
}

import { makeArtifact, jsonBytes, readJsonFile, type Artifact } from "../../engine/artifact.js"
import { decodeWav, encodeWav } from "../../audio/wav.js"
import type { Signal } from "../../dsp/signal.js"
import type { Labels } from "../../params/labels.js"
import { safeId, type Split } from "./labels.js"
import { ScratchArtifactWriter } from "./scratch-artifact.js"

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

/** A clip of a stored AudioSet whose audio is read only when `load` is called. */
export interface ClipRef {
  readonly id: string
  readonly labels: Labels
  readonly split?: Split | undefined
  /** Frames per channel, from the metadata (no audio read). */
  readonly samples: number
  readonly sampleRate: number
  /** Read and decode the clip (each call reads it again; nothing is kept). */
  readonly load: () => Clip
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

const clipFile = (clip: Clip): string => `clips/${safeId(clip.id)}.wav`

const clipMeta = (clip: Clip): ClipMeta => ({
  id: clip.id,
  file: clipFile(clip),
  sample_rate: clip.audio.sampleRate,
  channels: clip.audio.channels.length,
  samples: clip.audio.channels[0]?.length ?? 0,
  labels: clip.labels,
  ...(clip.split !== undefined ? { split: clip.split } : {})
})

const metaBytes = (clips: ReadonlyArray<ClipMeta>): Uint8Array => jsonBytes({ kind: AUDIO_SET, clips })

/** Stored as meta.json plus clips/<id>.wav (32-bit float). Holds every clip in memory; see AudioSetWriter. */
export const encodeAudioSet = (set: AudioSet): Artifact => {
  const files: Array<readonly [string, Uint8Array]> = []
  const clips: ClipMeta[] = set.clips.map((clip) => {
    files.push([clipFile(clip), encodeWav(clip.audio)])
    return clipMeta(clip)
  })
  files.push(["meta.json", metaBytes(clips)])
  return makeArtifact(AUDIO_SET, files)
}

/**
 * Writes an AudioSet one clip at a time through the stage's scratch folder: memory does
 * not grow with the number of clips. The artifact is byte-identical to encodeAudioSet's
 * for the same clips.
 */
export class AudioSetWriter {
  private readonly writer: ScratchArtifactWriter
  private readonly metas: ClipMeta[] = []

  /** `scratchDir`: the stage's `ctx.scratchDir`. */
  constructor(scratchDir: string) {
    this.writer = new ScratchArtifactWriter(AUDIO_SET, scratchDir)
  }

  add(clip: Clip): void {
    this.writer.put(clipFile(clip), encodeWav(clip.audio))
    this.metas.push(clipMeta(clip))
  }

  /** Clips added so far. */
  get count(): number {
    return this.metas.length
  }

  finish(): Artifact {
    this.writer.putInMemory("meta.json", metaBytes(this.metas))
    return this.writer.finish()
  }
}

/** The clips of an AudioSet artifact as references: metadata now, audio on `load()`. */
export const openAudioSet = (artifact: Artifact): ReadonlyArray<ClipRef> =>
  readJsonFile<{ clips: ClipMeta[] }>(artifact, "meta.json").clips.map((m) => ({
    id: m.id,
    labels: m.labels,
    split: m.split,
    samples: m.samples,
    sampleRate: m.sample_rate,
    load: () => ({ id: m.id, audio: decodeWav(artifact.files.get(m.file)!, { file: m.file }), labels: m.labels, split: m.split })
  }))

/** Every clip decoded into memory (for stages that need the whole set at once). */
export const decodeAudioSet = (artifact: Artifact): AudioSet => ({ clips: openAudioSet(artifact).map((ref) => ref.load()) })

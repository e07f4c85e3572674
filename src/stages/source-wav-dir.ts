import { join } from "node:path"
import { listFiles } from "../audio/list-files.js"
import { AudioFormatError, DataError } from "../errors/audioml-error.js"
import { readAudioFile, type ChannelMode } from "../audio/read-audio-file.js"
import type { StageDefinition } from "../engine/stage.js"
import { boolean, integer, number, object, string } from "../params/schema.js"
import { AUDIO_SET, encodeAudioSet, type Clip } from "./artifacts/audio-set.js"
import { assertUniqueIds } from "./dataset-items.js"
import { sliceSignal, windowStarts } from "./dataset-segment.js"
import { fileSourceParams, pathParam, resolveDir, type SkippedFile } from "./source-common.js"
import { promiseStage } from "./stage-effect.js"

export interface WavDirParams {
  readonly path: string
  readonly glob: string
  readonly recursive: boolean
  readonly channels: ChannelMode
  readonly max_files?: number
  readonly segment_seconds?: number
  readonly hop_seconds?: number
  readonly on_bad_file: "error" | "skip"
  readonly sample_rate: number
}

/** Clip id from a relative path: without the extension ("drums/kick 01.wav" → "drums/kick 01"). */
export const clipIdOf = (relPath: string): string => relPath.replace(/\.[^./]*$/, "")

export const sourceWavDir: StageDefinition<WavDirParams> = {
  uses: "source.wav_dir",
  version: 2,
  description:
    "An AudioSet from a folder of WAV files (8/16/24/32-bit PCM, 32/64-bit float), in sorted path order, resampled to the " +
    "pipeline rate. Clip ids are the relative paths without extension; each clip has the label `file` (its relative path). " +
    "Optionally cut into segments (<id>#<n>).",
  params: object(
    {
      path: pathParam("Folder to read, relative to the config file's folder."),
      glob: string({ description: "File pattern (case-insensitive; *, **, ?, [..], {a,b}); matched against the file name, or the relative path if it contains '/'.", default: "*.wav" }),
      recursive: boolean({ description: "Descend into sub-folders.", default: true }),
      ...fileSourceParams,
      max_files: integer({ description: "Use only the first N files (in sorted order).", minimum: 1, distribution: false }),
      segment_seconds: number({ description: "Cut each file into segments of this length; the last partial one is dropped. Default: whole files.", exclusiveMinimum: 0, unit: "s", distribution: false }),
      hop_seconds: number({ description: "Step between segment starts; default segment_seconds (no overlap).", exclusiveMinimum: 0, unit: "s", distribution: false })
    },
    { required: ["path"] }
  ),
  inputs: {},
  // the folder's content is part of the cache key: adding or editing a file reruns the source
  externalPaths: (params) => [params.path],
  output: AUDIO_SET,
  run: (params, _inputs, ctx) =>
    promiseStage(ctx, async () => {
      const root = resolveDir(ctx.configDir, params.path, "source.wav_dir")
      let files = listFiles(root, { glob: params.glob, recursive: params.recursive })
      if (files.length === 0)
        throw new DataError({ message: `source.wav_dir: no file matches glob "${params.glob}" under "${params.path}"${params.recursive ? "" : " (recursive = false)"}` })
      if (params.max_files !== undefined) files = files.slice(0, params.max_files)
      ctx.progress.start(files.length, "files")
      const clips: Clip[] = []
      const skipped: SkippedFile[] = []
      const tooShort: string[] = []
      let seconds = 0
      for (const [index, rel] of files.entries()) {
        let audio
        try {
          audio = await readAudioFile(join(root, rel), { channels: params.channels, sampleRate: params.sample_rate })
        } catch (e) {
          if (!(e instanceof AudioFormatError) || params.on_bad_file === "error") throw e
          skipped.push({ file: rel, reason: e.reason })
          ctx.warn(`source.wav_dir: skipped ${rel}: ${e.reason}`)
          continue
        }
        const id = clipIdOf(rel)
        const labels = { file: rel }
        const n = audio.channels[0]!.length
        seconds += n / audio.sampleRate
        if (params.segment_seconds === undefined) clips.push({ id, audio, labels })
        else {
          const length = Math.round(params.segment_seconds * audio.sampleRate)
          const hop = Math.round((params.hop_seconds ?? params.segment_seconds) * audio.sampleRate)
          const starts = windowStarts(n, length, Math.max(1, hop), 0, false)
          if (starts.length === 0) tooShort.push(rel)
          starts.forEach((start, k) => clips.push({ id: `${id}#${k}`, audio: sliceSignal(audio, start, length), labels }))
        }
        ctx.progress.update(index + 1)
      }
      ctx.report({ files: files.length, clips: clips.length, seconds, sample_rate: params.sample_rate, skipped, too_short: tooShort })
      if (clips.length === 0)
        throw new DataError({ message: `source.wav_dir: no clips from "${params.path}" (${skipped.length} file(s) skipped, ${tooShort.length} shorter than segment_seconds)` })
      assertUniqueIds(clips, "source.wav_dir")
      return encodeAudioSet({ clips })
    })
}

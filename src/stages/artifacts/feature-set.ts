import { makeArtifact, jsonBytes, readJsonFile, type Artifact } from "../../engine/artifact.js"
import { decodeNpy, encodeNpy } from "../../audio/npy.js"
import type { Labels } from "../../params/labels.js"
import { safeId, type Split,} from "./labels.js"
import { DataError } from "../../errors/audioml-error.js"

/**
 * FeatureSet: per-item feature matrices, as the `features` stage writes them.
 *
 * Files:
 *   meta.json                          { kind: "FeatureSet", params, features, items }
 *   items/<id>[/<source>]/<name>.npy   float32, shape [dims, frames] (librosa's layout:
 *                                      np.load(...)[:, t] is frame t)
 *   items/<id>[/<source>]/times_<hop>.npy  float64 [frames]: frame centre times in seconds
 *                                      (t * hop / sample_rate), shared by features of that hop
 * `<source>` is "input" / "target" for items made from a PairedAudioSet, absent for an
 * AudioSet (source "audio").
 *
 * meta.json:
 *   params    the stage's resolved parameters (every default filled in)
 *   features  { <name>: { dims, hop, unit, description } } — the same for every item
 *   items     [{ id, source, split?, labels, sample_rate, duration_s,
 *                features: { <name>: { file, shape: [dims, frames], hop, times } },
 *                scalars: { lufs_integrated?: number | null } }]
 * In memory (decodeFeatureSet) each item's features are { data: Float32Array, dims,
 * frames, hop, times: Float64Array }; data[d * frames + t] is dimension d of frame t.
 */
export const FEATURE_SET = "FeatureSet"

export type FeatureSource = "audio" | "input" | "target"

export interface FeatureInfo {
  readonly dims: number
  readonly hop: number
  readonly unit: string
  readonly description: string
}

export interface FeatureMatrixData {
  readonly data: Float32Array
  readonly dims: number
  readonly frames: number
  readonly hop: number
  readonly times: Float64Array
}

export interface FeatureItem {
  readonly id: string
  readonly source: FeatureSource
  readonly split?: Split | undefined
  readonly labels: Labels
  readonly sampleRate: number
  readonly durationS: number
  readonly features: Readonly<Record<string, FeatureMatrixData>>
  readonly scalars: Readonly<Record<string, number | null>>
}

export interface FeatureSet {
  readonly params: unknown
  readonly features: Readonly<Record<string, FeatureInfo>>
  readonly items: ReadonlyArray<FeatureItem>
}

interface ItemMeta {
  readonly id: string
  readonly source: FeatureSource
  readonly split?: Split
  readonly labels: Labels
  readonly sample_rate: number
  readonly duration_s: number
  readonly features: Record<string, { file: string; shape: [number, number]; hop: number; times: string }>
  readonly scalars: Readonly<Record<string, number | null>>
}

interface Meta {
  readonly kind: string
  readonly params: unknown
  readonly features: Record<string, FeatureInfo>
  readonly items: ItemMeta[]
}

const itemDir = (item: { id: string; source: FeatureSource }): string =>
  item.source === "audio" ? `items/${safeId(item.id)}` : `items/${safeId(item.id)}/${item.source}`

export const encodeFeatureSet = (set: FeatureSet): Artifact => {
  const files = new Map<string, Uint8Array>()
  const timesLength = new Map<string, number>()
  const items: ItemMeta[] = set.items.map((item) => {
    const dir = itemDir(item)
    const features: ItemMeta["features"] = {}
    for (const [name, f] of Object.entries(item.features)) {
      const file = `${dir}/${name}.npy`
      if (files.has(file)) throw new DataError({ message: `FeatureSet: two items write ${file} (duplicate id "${item.id}"?)` })
      files.set(file, encodeNpy({ data: f.data, shape: [f.dims, f.frames] }))
      const times = `${dir}/times_${f.hop}.npy`
      const known = timesLength.get(times)
      if (known === undefined) {
        files.set(times, encodeNpy({ data: f.times, shape: [f.times.length] }))
        timesLength.set(times, f.times.length)
      } else if (known !== f.frames) throw new DataError({ message: `FeatureSet: ${name} of "${item.id}" has ${f.frames} frames at hop ${f.hop}, others ${known}` })
      features[name] = { file, shape: [f.dims, f.frames], hop: f.hop, times }
    }
    return {
      id: item.id,
      source: item.source,
      ...(item.split !== undefined ? { split: item.split } : {}),
      labels: item.labels,
      sample_rate: item.sampleRate,
      duration_s: item.durationS,
      features,
      scalars: item.scalars
    }
  })
  const meta: Meta = { kind: FEATURE_SET, params: set.params, features: { ...set.features }, items }
  files.set("meta.json", jsonBytes(meta))
  return makeArtifact(FEATURE_SET, files)
}

const fileOf = (artifact: Artifact, name: string): Uint8Array => {
  const bytes = artifact.files.get(name)
  if (bytes === undefined) throw new DataError({ message: `FeatureSet artifact has no file ${name}` })
  return bytes
}

export const decodeFeatureSet = (artifact: Artifact): FeatureSet => {
  const meta = readJsonFile<Meta>(artifact, "meta.json")
  return {
    params: meta.params,
    features: meta.features,
    items: meta.items.map((m) => {
      const features: Record<string, FeatureMatrixData> = {}
      for (const [name, f] of Object.entries(m.features)) {
        const arr = decodeNpy(fileOf(artifact, f.file))
        const times = decodeNpy(fileOf(artifact, f.times))
        features[name] = {
          data: arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data),
          dims: f.shape[0],
          frames: f.shape[1],
          hop: f.hop,
          times: times.data instanceof Float64Array ? times.data : Float64Array.from(times.data)
        }
      }
      return {
        id: m.id,
        source: m.source,
        split: m.split,
        labels: m.labels,
        sampleRate: m.sample_rate,
        durationS: m.duration_s,
        features,
        scalars: m.scalars
      }
    })
  }
}

import type { Signal } from "../../src/dsp/signal.js"
import { encodeAudioSet, type Clip } from "../../src/stages/artifacts/audio-set.js"
import type { Split } from "../../src/stages/artifacts/labels.js"
import type { Labels } from "../../src/params/labels.js"
import { encodePairedAudioSet, type Pair } from "../../src/stages/artifacts/paired-audio-set.js"

export const ramp = (n: number, scale = 0.001, rate = 8000): Signal => ({
  sampleRate: rate,
  channels: [Float32Array.from({ length: n }, (_, i) => ((i % 500) - 250) * scale)]
})

export const clipSet = (ids: ReadonlyArray<string>, n = 100, extra: (id: string) => { labels?: Labels; split?: Split } = () => ({})) =>
  encodeAudioSet({ clips: ids.map((id, k): Clip => ({ id, audio: ramp(n, 0.001 * (k + 1)), labels: { k }, ...extra(id) })) })

export const pairSet = (ids: ReadonlyArray<string>, n = 100) =>
  encodePairedAudioSet({
    pairs: ids.map((id, k): Pair => ({ id, input: ramp(n, 0.001), target: ramp(n, 0.0005 * (k + 1)), labels: { k } }))
  })

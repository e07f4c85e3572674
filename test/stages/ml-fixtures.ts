import { Rng } from "../../src/params/rng.js"
import type { Artifact } from "../../src/engine/artifact.js"
import { encodeFeatureSet, type FeatureItem } from "../../src/stages/artifacts/feature-set.js"
import { frameTimes } from "../../src/dsp/stft.js"
import type { Split } from "../../src/stages/artifacts/labels.js"
import { encodePairedAudioSet, type Pair } from "../../src/stages/artifacts/paired-audio-set.js"

/**
 * A tiny dry/wet set for the ML stages: decaying tones through tanh with a per-pair drive,
 * labelled `drive_db` (number) and `mode` ("soft" / "hard"); 8 train, 2 val, 2 test.
 */
export const tinyPairs = (n = 12, samples = 1200): Artifact => {
  const rng = new Rng(5)
  const pairs: Pair[] = Array.from({ length: n }, (_, i) => {
    const f = rng.uniform(0.01, 0.05)
    const a = rng.uniform(0.3, 0.8)
    const drive = rng.uniform(0, 12)
    const hard = i % 2 === 1
    const g = 10 ** (drive / 20)
    const input = Float32Array.from({ length: samples }, (_, t) => a * Math.exp(-t / 900) * Math.sin(2 * Math.PI * f * t))
    const target = input.map((x) => (hard ? Math.max(-0.5, Math.min(0.5, g * x)) : Math.tanh(g * x)))
    const split: Split = i < n - 4 ? "train" : i < n - 2 ? "val" : "test"
    return {
      id: `clip${String(i).padStart(2, "0")}`,
      input: { sampleRate: 16000, channels: [input] },
      target: { sampleRate: 16000, channels: [target] },
      labels: { drive_db: drive, mode: hard ? "hard" : "soft" },
      split
    }
  })
  return encodePairedAudioSet({ pairs })
}

/** A FeatureSet for tinyPairs: one 2-dim feature whose mean tracks the drive, 10 frames. */
export const tinyFeatures = (pairs: ReadonlyArray<{ id: string; labels: Record<string, number | string>; split?: Split }>): Artifact => {
  const rng = new Rng(9)
  const items: FeatureItem[] = pairs.map((p) => {
    const drive = Number(p.labels["drive_db"])
    const data = new Float32Array(20)
    for (let t = 0; t < 10; t++) {
      data[t] = drive / 12 + 0.05 * rng.normal()
      data[10 + t] = rng.normal()
    }
    return {
      id: p.id,
      source: "target",
      split: p.split,
      labels: p.labels,
      sampleRate: 16000,
      durationS: 0.075,
      features: { feat: { data, dims: 2, frames: 10, hop: 120, times: frameTimes(10, 120, 16000) } },
      scalars: {}
    }
  })
  return encodeFeatureSet({ params: {}, features: { feat: { dims: 2, hop: 120, unit: "", description: "test feature" } }, items })
}

/**
 * A FeatureSet of both sides of tinyPairs (features stage `on = "both"`): one 1-dim feature
 * "feat" per side, 10 frames; input frames are noise, target frames the same noise plus
 * drive / 12, so only the difference target − input carries the drive.
 */
export const tinyPairedFeatures = (pairs: ReadonlyArray<{ id: string; labels: Record<string, number | string>; split?: Split }>): Artifact => {
  const rng = new Rng(11)
  const item = (p: (typeof pairs)[number], source: "input" | "target", data: Float32Array): FeatureItem => ({
    id: p.id,
    source,
    split: p.split,
    labels: p.labels,
    sampleRate: 16000,
    durationS: 0.075,
    features: { feat: { data, dims: 1, frames: 10, hop: 120, times: frameTimes(10, 120, 16000) } },
    scalars: {}
  })
  const items = pairs.flatMap((p) => {
    const input = Float32Array.from({ length: 10 }, () => rng.normal())
    const target = input.map((x) => x + Number(p.labels["drive_db"]) / 12)
    return [item(p, "input", input), item(p, "target", target)]
  })
  return encodeFeatureSet({ params: {}, features: { feat: { dims: 1, hop: 120, unit: "", description: "test feature" } }, items })
}

/**
 * Sound attributes of rendered items, from their features, for the directions of
 * model.vae_recommender ("make it brighter"):
 * - brighter: the power-weighted mean mel band (from the dB mel spectrogram, all frames);
 * - louder: the mean loudness (dB);
 * - longer: the fraction of frames within 20 dB of the loudest one.
 * Absent features leave their attribute out.
 */
import type { FeatureMatrices } from "../../ml/feature-input.js"

/** Attribute values of one item, by name. */
export const soundAttributes = (item: FeatureMatrices, melIsDb: boolean): Record<string, number> => {
  const out: Record<string, number> = {}
  const mel = item.features["mel"]
  if (mel !== undefined && mel.frames > 0) {
    let num = 0
    let den = 0
    for (let d = 0; d < mel.dims; d++) {
      for (let t = 0; t < mel.frames; t++) {
        const v = mel.data[d * mel.frames + t]!
        const p = melIsDb ? Math.pow(10, v / 10) : v
        num += d * p
        den += p
      }
    }
    if (den > 0) out["brighter"] = num / den
  }
  const loud = item.features["loudness"]
  if (loud !== undefined && loud.frames > 0) {
    const values = Array.from(loud.data.subarray(0, loud.frames))
    out["louder"] = values.reduce((a, b) => a + b, 0) / values.length
    const max = Math.max(...values)
    out["longer"] = values.filter((v) => v >= max - 20).length / values.length
  }
  return out
}

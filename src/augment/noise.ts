import { number, object, oneOf } from "../params/schema.js"
import { colouredNoise, noiseColours, type NoiseColour } from "../audio/generators/noise.js"
import { addScaledLooped, lengthOf, mapSignal, meanSquare, stepProps, type AugmentStep } from "./step.js"
import { dbToGain } from "../dsp/decibels.js"

export const noiseStep: AugmentStep = {
  uses: "noise",
  description: "Add coloured Gaussian noise at a signal-to-noise ratio measured on the reference (a silent clip gets none)",
  params: object({
    ...stepProps("input"),
    snr_db: number({ description: "Signal-to-noise ratio (RMS)", minimum: -30, maximum: 120, default: { uniform: [20, 40] }, unit: "dB" }),
    colour: oneOf(noiseColours, { description: "Noise colour", default: "white", distribution: true })
  }),
  draw: (p, ref, rng) => {
    const snr = p["snr_db"] as number
    const level = Math.sqrt(meanSquare(ref)) / dbToGain(snr)
    // Noise drawn now, once per channel, so input and target ("both") get the same samples.
    const n = lengthOf(ref)
    const noise = ref.channels.map((_, c) => colouredNoise(new Float32Array(n), p["colour"] as NoiseColour, rng.fork(c)))
    return {
      labels: { snr_db: snr, colour: p["colour"] as string },
      apply: (s) => mapSignal(s, (x, c) => addScaledLooped(x, noise[Math.min(c, noise.length - 1)]!, level))
    }
  }
}

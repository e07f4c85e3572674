import { object, number, oneOf } from "../../params/schema.js"
import { colouredNoise, noiseColours, type NoiseColour } from "../../audio/generators/noise.js"
import { weightParam } from "./common-params.js"
import type { SyntheticGenerator } from "./generator.js"

export const noiseGenerator: SyntheticGenerator = {
  uses: "noise",
  description: "Gaussian noise: white, pink (−3 dB/oct), brown (−6), blue (+3) or violet (+6)",
  params: object({
    weight: weightParam,
    colour: oneOf(noiseColours, { description: "Spectral slope", default: "white", distribution: true }),
    amplitude: number({ description: "RMS level (linear; 0.1 = −20 dBFS RMS)", minimum: 0, maximum: 1, default: 0.1 })
  }),
  render: (p, out, ctx) => {
    const noise = colouredNoise(new Float32Array(out.length), p["colour"] as NoiseColour, ctx.rng)
    const a = p["amplitude"] as number
    for (let i = 0; i < out.length; i++) out[i]! += a * noise[i]!
  }
}

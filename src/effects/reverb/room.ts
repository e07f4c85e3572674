import type { Rng } from "../../params/rng.js"
import { array, boolean, integer, number, object, oneOf } from "../../params/schema.js"
import type { JsonSchema } from "../../params/schema.js"
import { inPlaceEffect, type EffectDefinition } from "../effect-definition.js"
import { DEFAULT_ABSORPTION, MAX_AUTO_ORDER, roomImpulseResponse, type Rt60Method, type Vec3 } from "./image-source.js"
import { MATERIAL_NAMES } from "./materials.js"
import { OCTAVE_CENTRES_HZ } from "./octave-bands.js"
import { WALLS, type AbsorptionSpec } from "./room-acoustics.js"
import { applyImpulseResponseInto, normaliseIr } from "./wet-dry.js"

export interface RoomParams {
  readonly room_dim: Vec3
  readonly source: Vec3
  readonly mic: Vec3
  readonly absorption?: AbsorptionSpec
  readonly rt60?: number
  readonly rt60_method: Rt60Method
  readonly max_order?: number
  readonly air_absorption: boolean
  readonly temperature_c: number
  readonly humidity: number
  readonly jitter_m: number
  readonly late_tail: boolean
  readonly late_tail_start_ms: number
  readonly mix: number
  readonly predelay_ms: number
  readonly normalise: "energy" | "peak" | "direct" | "none"
}

const position = (description: string, def: Vec3): JsonSchema =>
  array(number({ description: "Coordinate", minimum: 0, maximum: 1000, unit: "m" }), { description, minItems: 3, maxItems: 3, default: def })

const wallAbsorption: JsonSchema = {
  anyOf: [
    number({ description: "Energy absorption α, the same in every octave band", minimum: 0, maximum: 1 }),
    array(number({ description: "α in one octave band", minimum: 0, maximum: 1, distribution: false }), {
      description: `α per octave band (${OCTAVE_CENTRES_HZ.join(", ")} Hz)`,
      minItems: OCTAVE_CENTRES_HZ.length,
      maxItems: OCTAVE_CENTRES_HZ.length
    }),
    oneOf(MATERIAL_NAMES, { description: "A built-in material", distribution: true })
  ]
}

const roomParams = object({
  room_dim: array(number({ description: "Length", minimum: 0.5, maximum: 1000, unit: "m" }), {
    description: "Shoebox size [x, y, z]",
    minItems: 3,
    maxItems: 3,
    default: [6, 4, 3]
  }),
  source: position("Source position [x, y, z], strictly inside the room", [2, 2, 1.5]),
  mic: position("Microphone position [x, y, z], strictly inside the room", [4.5, 2.5, 1.4]),
  absorption: {
    description:
      `Wall energy absorption: a number in [0, 1], a list of ${OCTAVE_CENTRES_HZ.length} per-octave values, a material name, ` +
      `or a table { ${WALLS.join(", ")} } of those. Exclusive with rt60; when neither is given: ${DEFAULT_ABSORPTION} on every wall`,
    anyOf: [wallAbsorption, object(Object.fromEntries(WALLS.map((w) => [w, wallAbsorption])), { required: WALLS })]
  },
  rt60: number({ description: "Target reverberation time instead of absorption: sets a uniform absorption per octave band", exclusiveMinimum: 0, maximum: 20, unit: "s" }),
  rt60_method: oneOf(["auto", "image_source", "eyring", "sabine"], {
    description:
      "How rt60 becomes absorption: image_source = solved so the rendered image-source response has T30 = rt60; eyring / sabine = closed-form inversion; auto = eyring with late_tail, else image_source",
    default: "auto"
  }),
  max_order: integer({
    description: `Highest reflection order; default: enough to reach the late-tail crossfade, or −45 dB without a tail (at most ${MAX_AUTO_ORDER})`,
    minimum: 0,
    maximum: 200,
    distribution: false
  }),
  air_absorption: boolean({ description: "Distance-dependent air absorption per octave band", default: true }),
  temperature_c: number({ description: "Air temperature: speed of sound 331.4 + 0.6·T m/s, and the air absorption table", minimum: -20, maximum: 50, default: 20, unit: "°C" }),
  humidity: number({ description: "Relative humidity (selects the air absorption table: ≤50, ≤70, above)", minimum: 0, maximum: 100, default: 50, unit: "%" }),
  jitter_m: number({ description: "Random displacement of each image source (not the direct path), uniform ±jitter_m per axis", minimum: 0, maximum: 1, default: 0, unit: "m" }),
  late_tail: boolean({
    description: "Replace the image-source response after late_tail_start_ms by octave-band noise decaying at the room's rate (fast, and no high orders needed)",
    default: true
  }),
  late_tail_start_ms: number({ description: "Start of the crossfade into the late tail, after the direct sound (fade length: a quarter of it, at least 5 ms)", minimum: 5, maximum: 2000, default: 80, unit: "ms" }),
  mix: number({ description: "Wet/dry balance: 0 = dry only, 1 = the room response only", minimum: 0, maximum: 1, default: 1 }),
  predelay_ms: number({ description: "Extra delay of the wet signal", minimum: 0, maximum: 500, default: 0, unit: "ms" }),
  normalise: oneOf(["energy", "direct", "peak", "none"], {
    description: "Scale of the impulse response: unit energy, direct path at gain 1, unit peak, or raw (1/r amplitudes)",
    default: "energy"
  })
})

/** Recent impulse responses for deterministic settings (no jitter, no tail): clips of a chain share them. */
const irCache = new Map<string, { ir: Float32Array; direct: number }>()

export const roomDefinition: EffectDefinition<RoomParams> = inPlaceEffect<RoomParams>({
  uses: "reverb.room",
  description:
    "Shoebox room by the image-source method (Allen & Berkley): per-wall, per-octave absorption or a target RT60, air absorption, " +
    "windowed-sinc placement, optional image jitter and a stochastic late tail; the response is computed once per call and applied by " +
    "FFT convolution. The output has the input's length: pad clips with silence to keep the tail.",
  params: roomParams,
  processInto: (input: Float32Array, output: Float32Array, sampleRate: number, p: RoomParams, rng: Rng): void => {
    const lateTail = p.late_tail
    const jitter = p.jitter_m
    const deterministic = !lateTail && jitter === 0
    const key = deterministic ? JSON.stringify([sampleRate, { ...p, mix: 0, predelay_ms: 0, normalise: "" }]) : ""
    let entry = deterministic ? irCache.get(key) : undefined
    if (entry === undefined) {
      const res = roomImpulseResponse({
        sampleRate,
        roomDim: p.room_dim,
        source: p.source,
        mic: p.mic,
        absorption: p.absorption,
        rt60: p.rt60,
        rt60Method: p.rt60_method,
        maxOrder: p.max_order,
        airAbsorption: p.air_absorption,
        temperatureC: p.temperature_c,
        humidity: p.humidity,
        jitterM: jitter,
        lateTail,
        lateTailStartMs: p.late_tail_start_ms,
        rng
      })
      entry = { ir: res.ir, direct: 1 / res.directDistance }
      if (deterministic) {
        if (irCache.size >= 8) irCache.delete(irCache.keys().next().value!)
        irCache.set(key, entry)
      }
    }
    const ir = normaliseIr(entry.ir, p.normalise, entry.direct)
    applyImpulseResponseInto(input, output, ir, p.mix, (p.predelay_ms / 1000) * sampleRate)
  }
})

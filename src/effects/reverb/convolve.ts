import type { Rng } from "../../params/rng.js"
import { integer, number, object, oneOf, string } from "../../params/schema.js"
import { readWavFileCached } from "../../audio/wav-files.js"
import { isAudiomlError, ParameterError, DataError } from "../../errors/audioml-error.js"
import type { EffectDefinition } from "../effect-definition.js"
import { applyImpulseResponse, normaliseIr, type IrNormalisation } from "./wet-dry.js"

export interface ConvolveParams {
  readonly ir: string
  readonly channel: number
  readonly mix: number
  readonly normalise: IrNormalisation
  readonly predelay_ms: number
}

/** Convolve with an impulse response given as samples (the library entry point). */
export const convolveReverb = (
  input: Float32Array,
  ir: Float32Array,
  o: { readonly mix?: number; readonly normalise?: IrNormalisation; readonly predelaySamples?: number } = {}
): Float32Array => {
  if (ir.length === 0) throw new DataError({ message: "ir: the impulse response is empty" })
  return applyImpulseResponse(input, normaliseIr(ir, o.normalise ?? "energy"), o.mix ?? 1, o.predelaySamples ?? 0)
}

/** The impulse response WAV (read once per process); errors name the `ir` parameter and the file. */
const loadIr = (path: string) => {
  try {
    return readWavFileCached(path)
  } catch (e) {
    if (isAudiomlError(e)) throw ParameterError.of("ir", e.message)
    throw e
  }
}

export const convolveDefinition: EffectDefinition<ConvolveParams> = {
  uses: "reverb.convolve",
  description:
    "Convolution reverb with a measured impulse response (WAV), by FFT convolution (overlap-save, block size chosen from the IR length; uniformly partitioned for very long IRs). " +
    "The output has the input's length: the tail past the end is cut, so pad clips with silence to keep it.",
  params: object(
    {
      ir: string({ description: "Path of the impulse-response WAV; its sample rate must equal the audio's (no resampling)", minLength: 1 }),
      channel: integer({ description: "Channel of a multi-channel IR to use", minimum: 0, maximum: 63, default: 0, distribution: false }),
      mix: number({ description: "Wet/dry balance: 0 = dry only, 1 = wet only", minimum: 0, maximum: 1, default: 1 }),
      normalise: oneOf(["energy", "peak", "none"], {
        description: "Scale the IR to unit energy (Σh² = 1, keeps the loudness of broadband input), unit peak, or not at all",
        default: "energy"
      }),
      predelay_ms: number({ description: "Extra delay of the wet signal", minimum: 0, maximum: 500, default: 0, unit: "ms" })
    },
    { required: ["ir"] }
  ),
  process: (input: Float32Array, sampleRate: number, p: ConvolveParams, _rng: Rng): Float32Array => {
    const ir = loadIr(p.ir)
    if (ir.sampleRate !== sampleRate) {
      throw new ParameterError({ parameter: "ir", message: `ir: "${p.ir}" is sampled at ${ir.sampleRate} Hz but the audio is ${sampleRate} Hz; resample the IR to ${sampleRate} Hz` })
    }
    const channel = p.channel
    if (channel >= ir.channels.length) throw new ParameterError({ parameter: "channel", message: `channel: ${channel} does not exist in "${p.ir}" (${ir.channels.length} channel(s))` })
    return convolveReverb(input, ir.channels[channel]!, {
      mix: p.mix,
      normalise: p.normalise,
      predelaySamples: (p.predelay_ms / 1000) * sampleRate
    })
  }
}

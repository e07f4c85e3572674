/**
 * `audioml`: the library entry point (package "exports" "."). The effect, feature, DSP and
 * engine APIs as namespaces (each also its own subpath: `audioml/effects`, …), audio files,
 * neural models of gear (.nam, RTNeural JSON and audioml's own), and the error family every call throws.
 *
 * ```ts
 * import { effects, features, readAudioFile } from "audioml"
 * const dry = await readAudioFile("guitar.wav")
 * const wet = effects.processChain(dry, [{ uses: "distortion.overdrive", drive_db: 18 }]).signal
 * const { features: f } = features.extractFeatures(wet, { mel: {}, loudness: { method: "lufs" } })
 * ```
 */
export * as effects from "./api/effects.js"
export * as features from "./api/features.js"
export * as dsp from "./api/dsp.js"
export * as engine from "./api/engine.js"
export { readAudioFile, decodeAudioFile, type ReadAudioOptions, type ChannelMode } from "./audio/read-audio-file.js"
export { encodeWav, decodeWav, type DecodeWavOptions } from "./audio/wav.js"
export { encodeNpy, decodeNpy, type NdArray } from "./audio/npy.js"
export type { Signal } from "./dsp/signal.js"
export { loadModel, type LoadModelOptions, type StreamProcessor } from "./ml/stream/processor.js"
export { NamFormatError, parseNam, readNam, type NamModel } from "./ml/formats/nam.js"
export { RtneuralFormatError, parseRtneural, readRtneural, type RtneuralModel } from "./ml/formats/rtneural.js"
export {
  isAudiomlError,
  ParameterError,
  AudioFormatError,
  FileFormatError,
  DataError,
  ModelError,
  LossError,
  BackendError,
  PluginError,
  type AudiomlError
} from "./errors/audioml-error.js"

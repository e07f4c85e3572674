/**
 * `audioml/dsp`: the signal-processing building blocks under the effects and features:
 * the Signal type, FFTs, STFT, windows, biquads, resampling, convolution, decibels.
 *
 * ```ts
 * import { resampleSignal, dbToGain } from "audioml/dsp"
 * const at16k = resampleSignal(signal, 16000)
 * ```
 */
export { type Signal, signalLength, monoSignal, toMono, mapChannels } from "../dsp/signal.js"
export { dbToGain } from "../dsp/decibels.js"
export { realFft, inverseRealFft, realFftPlan, fftPlan, nextPow2, type RealFft, type ComplexFft } from "../dsp/fft.js"
export { spectrogram, stftBinCount, stftFrameCount, fftFrequencies, frameTimes, type StftOptions, type Spectrogram } from "../dsp/stft.js"
export { makeWindow, WINDOW_NAMES, type WindowName } from "../dsp/window.js"
export { designBiquad, runBiquads, biquadMagnitude, biquadTypes, type BiquadType, type BiquadDesign, type BiquadCoefficients } from "../dsp/biquad.js"
export { resample, resampleSignal, resamplePoly, resampleRatio, defaultResampleOptions, type ResampleOptions } from "../dsp/resample.js"
export { convolve, PartitionedConvolver, type ConvolveOptions } from "../dsp/convolution.js"
export { crossCorrelate, estimateLag, type LagEstimate, type LagOptions } from "../dsp/xcorr.js"
export { findLeadingBlip, blipLatency } from "../dsp/blip-latency.js"
export { onUniformGrid } from "../dsp/uniform-grid.js"
export { schroederCurve, reverberationTime, type DecayFit } from "../dsp/schroeder.js"

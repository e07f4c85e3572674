/**
 * Running a trained model: kinds with a fast kernel (model.rnn) through their per-sample
 * kernel, WebAssembly SIMD or typed-array (no tfjs at all, so `audioml process` and evaluation of RNNs start fast
 * and run at audio rate), every other model through tfjs, loaded lazily. Used by `evaluate`
 * and `audioml process`.
 */
import { ModelError } from "../errors/audioml-error.js"
import type { FastKernel } from "./model-definition.js"
import { decodeFloat32Weights } from "./model-files.js"
import { modelDefinition } from "./models/index.js"
import { type ModelArtifact, type ModelMeta } from "./model-meta.js"
import type { Tensor } from "./model.js"

/** A loaded model, ready to predict. */
export interface Predictor {
  readonly meta: ModelMeta
  /** "wasm-simd LSTM kernel", "typed-array LSTM kernel", or "tfjs <backend>". */
  readonly engine: string
  /** The tfjs backend that loaded (for the run record); undefined when no tfjs was needed. */
  readonly tfjsBackend: string | undefined
  /** Dry mono audio + normalised conditioning values → predicted wet audio (audio models). */
  readonly processAudio: (input: Float32Array, condition: Float32Array) => Float32Array
  /**
   * Standardised feature inputs → raw model outputs (feature models): [Σ outputs] per
   * input, one normalised value per regressed target and the logits of each classified
   * one (decodeTargetOutputs turns a row into one normalised value per target).
   */
  readonly predictExamples: (xs: ReadonlyArray<Float32Array>) => Float32Array[]
  readonly dispose: () => void
}

/** Output samples per tfjs call (bounded memory on long files); a recurrent model's state carries from chunk to chunk. */
const CHUNK = 1 << 15

const notAudio = (meta: ModelMeta) => (): never => {
  throw new ModelError({ message: `${meta.uses} predicts labels from features, not audio` })
}
const notFeatures = (meta: ModelMeta) => (): never => {
  throw new ModelError({ message: `${meta.uses} processes audio, not feature examples` })
}

const kernelPredictor = (model: ModelArtifact, fast: FastKernel): Predictor => {
  const { meta } = model
  const { name, kernel } = fast
  return {
    meta,
    engine: name,
    tfjsBackend: undefined,
    processAudio: (input, condition) => {
      const out = new Float32Array(input.length)
      kernel.reset()
      kernel.process(input, out, condition)
      return out
    },
    predictExamples: notFeatures(meta),
    dispose: () => {}
  }
}

/**
 * A predictor that runs any trained model through tfjs (what `loadPredictor` uses for kinds
 * without a fast kernel): audio in chunks of 32768 samples, a convolutional model's chunks
 * overlapping by its receptive field, a recurrent model's state carried across chunks.
 */
export const loadTfjsPredictor = async (model: ModelArtifact): Promise<Predictor> => {
  const { meta } = model
  const { loadBackend } = await import("./backend.js")
  const { loadModel } = await import("./model-files.js")
  const backend = await loadBackend()
  const { tf } = backend
  const net = loadModel(tf, model.files)
  const audio = meta.model_kind === "recurrent" || meta.model_kind === "convolutional"
  const context = meta.receptive_field?.samples ?? 0
  return {
    meta,
    engine: `tfjs ${backend.name}`,
    tfjsBackend: backend.name,
    processAudio: audio
      ? (input, condition) => {
          const c = 1 + condition.length
          const out = new Float32Array(input.length)
          let state: Tensor[] | undefined
          for (let start = 0; start < input.length; start += CHUNK) {
            const end = Math.min(input.length, start + CHUNK)
            // receptive-field context on both sides, so chunk edges match a whole-clip pass
            const from = Math.max(0, start - context)
            const to = Math.min(input.length, end + context)
            const x = new Float32Array((to - from) * c)
            for (let t = from; t < to; t++) {
              const o = (t - from) * c
              x[o] = input[t]!
              for (let k = 1; k < c; k++) x[o + k] = condition[k - 1]!
            }
            const y = tf.tidy(() => {
              const r = net.apply(tf.tensor3d(x, [1, to - from, c]), state)
              if (meta.model_kind === "recurrent") {
                state?.forEach((t) => t.dispose())
                state = r.state!.map((t) => tf.keep(t))
              }
              return r.y.dataSync() as Float32Array
            })
            out.set(y.subarray(start - from, end - from), start)
          }
          state?.forEach((t) => t.dispose())
          return out
        }
      : notAudio(meta),
    predictExamples: audio
      ? notFeatures(meta)
      : (xs) => {
          if (xs.length === 0) return []
          const shape = meta.features?.layout === "frames" ? [meta.features.frames, meta.features.mean.length] : [xs[0]!.length]
          const size = xs[0]!.length
          const flat = new Float32Array(xs.length * size)
          xs.forEach((x, i) => flat.set(x, i * size))
          const y = tf.tidy(() => net.apply(tf.tensor(flat, [xs.length, ...shape])).y.dataSync() as Float32Array)
          // Σ outputs of the targets, or the embedding size of an embedding model
          const k = y.length / xs.length
          return xs.map((_, i) => y.slice(i * k, (i + 1) * k))
        },
    dispose: () => net.dispose()
  }
}

/** A predictor for a trained model: its kind's fast kernel when it has one, tfjs otherwise. */
export const loadPredictor = async (model: ModelArtifact): Promise<Predictor> => {
  const { fastKernel } = modelDefinition(model.meta.uses)
  const fast = fastKernel?.(model.meta.params, 1 + model.meta.condition.length, decodeFloat32Weights(model.files))
  return fast !== undefined ? kernelPredictor(model, fast) : loadTfjsPredictor(model)
}

/**
 * model.rnn — dry→wet sample regression (Wright et al. 2019/2020): recurrent layer(s), a
 * dense output, plus the input sample when `skip`. Conditioning labels are appended to every
 * input sample, so the input has 1 + condition.length channels.
 *
 * The weights live in real tfjs layers (a LayersModel: tfjs's file format, predict): tfjs's
 * LSTM, tfjs's GRU for the reset-before cell, and ./gru-reset-after-layer.ts for the standard
 * reset-after GRU (`gru_cell`, the default for new GRU models: PyTorch's, RTNeural's cell);
 * training and `apply` run them through fused whole-sequence ops (kernels/rnn-train-ops.ts)
 * that take the initial state as an input and return the final state, so the training loop
 * carries the state across TBPTT chunks as plain tensors (detached by construction).
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"
import { Rng } from "../../params/rng.js"
import { array, boolean, integer, object, oneOf, string } from "../../params/schema.js"
import { withDefaults } from "../../params/values.js"
import { gruResetAfterSequenceOp, gruSequenceOp, lstmSequenceOp } from "../kernels/rnn-train-ops.js"
import { rnnKernelFor } from "../kernels/rnn-kernel.js"
import type { RnnCellKind } from "../kernels/wasm/rnn-wasm.js"
import { gruResetAfterLayer } from "./gru-reset-after-layer.js"
import { rnnWeightsFrom } from "../kernels/weights.js"
import type { FastKernel, ModelDefinition, SavedArtifacts } from "../model-definition.js"
import { type AudioModel, type ModelSpec, type Tensor, audioChannel, glorotValues, conditionOf } from "../model.js"

export const rnnParams = object({
  cell: oneOf(["lstm", "gru"], { description: "Recurrent cell type", default: "lstm" }),
  gru_cell: oneOf(["reset_after", "reset_before"], {
    description:
      "GRU only: where the reset gate acts. reset_after (PyTorch, RTNeural, Keras reset_after=True) multiplies the recurrent candidate term after the matmul; " +
      "reset_before (tfjs's GRUCell, audioml's GRU before train stage 5) before it. New GRU models default to reset_after; a stored model without the field is reset_before"
  }),
  hidden: integer({ description: "Hidden units per recurrent layer", minimum: 1, maximum: 512, default: 16, distribution: false }),
  layers: integer({ description: "Stacked recurrent layers", minimum: 1, maximum: 4, default: 1, distribution: false }),
  skip: boolean({ description: "Add the dry input sample to the output (the network learns the difference)", default: true }),
  // no schema default: the params (and cache keys) of models without it stay as they were
  output: oneOf(["sample", "gain"], {
    description:
      'What the dense head predicts. "sample" (absent: the same): the output sample, plus the dry input when skip. ' +
      '"gain": a log gain g and a residual r per sample, output x·exp(g) + r: a level-independent fit for compressors, whose output is the input times a slowly moving gain (skip is not used)'
  }),
  // no schema default, as output
  mu_law: integer({
    description:
      "μ of a second input channel: the dry sample μ-law companded, sign(x)·ln(1 + μ|x|)/ln(1 + μ) (255: telephony's). The network then sees quiet passages " +
      "(−40 dBFS reads as 0.23 at μ = 255, not 0.01): for level-dependent effects such as compressors. Absent: none",
    minimum: 1,
    maximum: 100000,
    distribution: false
  }),
  condition: array(string({ description: "Label name" }), {
    description: "Labels (normalised to [0, 1]) appended to every input sample",
    default: []
  })
})

/** Where a GRU's reset gate acts (see `rnnParams.gru_cell`). */
export type GruCell = "reset_after" | "reset_before"

export interface RnnParams {
  readonly cell: "lstm" | "gru"
  /** GRU only. Absent: a model stored before the field existed, which is reset_before (`gruCellOf`). */
  readonly gru_cell?: GruCell
  readonly hidden: number
  readonly layers: number
  readonly skip: boolean
  /** The dense head: "sample" (absent: the same) or "gain" (x·exp(g) + r). */
  readonly output?: "sample" | "gain"
  /** μ of the companded input channel; absent: none. */
  readonly mu_law?: number
  readonly condition: ReadonlyArray<string>
}

/**
 * A model.rnn's params with the schema's defaults filled in (the only place they are
 * written is `rnnParams`): for params that did not come through the config's validator,
 * such as an older model file's meta.
 */
export const rnnParamsOf = (params: unknown): RnnParams => withDefaults(rnnParams, params ?? {}) as RnnParams

/**
 * The GRU cell of stored params: the recorded `gru_cell`, else "reset_before" (models trained
 * before the field existed; new ones record it, see `newRnnParams`). undefined for an LSTM.
 */
export const gruCellOf = (p: RnnParams): GruCell | undefined => (p.cell === "gru" ? (p.gru_cell ?? "reset_before") : undefined)

/**
 * The params a newly trained model records: a GRU gets `gru_cell = "reset_after"` unless the
 * config names one. The schema has no default for the field, so an LSTM's params (and their
 * cache key) do not gain it, and a stored GRU without it stays reset_before.
 */
export const newRnnParams = (params: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  params["cell"] === "gru" && params["gru_cell"] === undefined ? { ...params, gru_cell: "reset_after" } : { ...params }

/** The kernel cell kind of these params ("lstm", "gru" reset-before, "gru-reset-after"). */
export const rnnCellKind = (p: RnnParams): RnnCellKind => {
  const gru = gruCellOf(p)
  return gru === undefined ? "lstm" : gru === "reset_after" ? "gru-reset-after" : "gru"
}

/** The model's cell for summaries: "LSTM", "GRU" (reset-after) or "GRU (reset-before)". */
const cellLabel = (p: RnnParams): string => {
  const gru = gruCellOf(p)
  return gru === undefined ? "LSTM" : gru === "reset_after" ? "GRU" : "GRU (reset-before)"
}

export interface RnnLayers {
  readonly recurrent: ReadonlyArray<tfTypes.layers.Layer>
  readonly dense: tfTypes.layers.Layer
  /** x [B, T, inputSize] → residual [B, T, 1] from a zero state: a plain tfjs LayersModel over the same layers (predict, save). */
  readonly model: tfTypes.LayersModel
}

/**
 * The tfjs layers. tfjs cannot execute a functional model whose RNN layer takes its
 * initial state from model inputs, so training applies the layers eagerly with
 * `initialState`, and `model` (same layers, zero initial state) serves predict and save.
 */
export const buildRnnLayers = (tf: Tf, p: RnnParams, inputSize: number): RnnLayers => {
  const gruCell = gruCellOf(p)
  const recurrent = Array.from({ length: p.layers }, (_, i) => {
    if (gruCell === "reset_after") return gruResetAfterLayer(tf, { units: p.hidden, name: `rnn${i}` })
    const config = {
      units: p.hidden,
      returnSequences: true,
      returnState: true,
      recurrentActivation: "sigmoid" as const,
      name: `rnn${i}`,
      // Real values come from our Rng; zeros keep tfjs from drawing its own.
      kernelInitializer: "zeros" as const,
      recurrentInitializer: "zeros" as const,
      biasInitializer: "zeros" as const
    }
    return p.cell === "lstm" ? tf.layers.lstm(config) : tf.layers.gru(config)
  })
  // output = "gain": unit 0 the residual, unit 1 the log gain
  const dense = tf.layers.dense({ units: p.output === "gain" ? 2 : 1, name: "out", kernelInitializer: "zeros" })
  // mu_law: channel 1 is the companded dry sample (the model's apply inserts it)
  const x = tf.input({ shape: [null, inputSize + (p.mu_law !== undefined ? 1 : 0)], name: "x" })
  let seq: tfTypes.SymbolicTensor = x
  for (const layer of recurrent) seq = (layer.apply(seq) as tfTypes.SymbolicTensor[])[0]!
  const y = dense.apply(seq) as tfTypes.SymbolicTensor
  return { recurrent, dense, model: tf.model({ inputs: x, outputs: y, name: "rnn" }) }
}

/**
 * [B, T, 1 + c] → [B, T, 2 + c]: the dry channel, its μ-law companding
 * sign(x)·ln(1 + μ|x|)/ln(1 + μ), then the conditioning channels.
 */
export const withMuLawChannel = (tf: Tf, x: Tensor, mu: number): Tensor => {
  const c = x.shape[2]!
  const dry = audioChannel(tf, x)
  const companded = tf.mul(tf.sign(dry), tf.div(tf.log1p(tf.mul(tf.abs(dry), mu)), Math.log1p(mu)))
  return c === 1 ? tf.concat([dry, companded], 2) : tf.concat([dry, companded, tf.slice(x, [0, 0, 1], [-1, -1, c - 1])], 2)
}

/** Local weight names ("rnn0/kernel", "out/bias"...) without tfjs's uniquifying suffixes. */
export const layerWeightName = (w: { readonly originalName: string }): string => w.originalName

export const buildRnn = (tf: Tf, spec: ModelSpec): AudioModel => {
  const p = rnnParamsOf(spec.params)
  const cond = conditionOf(spec.params)
  const layers = buildRnnLayers(tf, p, spec.inputSize)
  const gruCell = gruCellOf(p)
  const model = layers.model
  const rng = new Rng(spec.seed)
  const variables = new Map<string, tfTypes.Variable>()
  for (const w of model.trainableWeights) {
    const name = layerWeightName(w)
    const shape = w.shape as number[]
    let values: Float32Array
    if (!name.endsWith("/bias")) values = glorotValues(rng.fork(name), shape)
    else {
      // Zeros ([3H] or, for the reset-after GRU, [2, 3H]).
      values = new Float32Array(shape.reduce((a, b) => a * b, 1))
      // LSTM forget-gate bias 1 (Jozefowicz et al.): gate order is i, f, c, o.
      if (p.cell === "lstm" && name.startsWith("rnn")) values.fill(1, p.hidden, 2 * p.hidden)
    }
    const t = tf.tensor(values, shape)
    w.write(t)
    t.dispose()
    variables.set(name, w.read() as tfTypes.Variable)
  }
  const nStates = p.cell === "lstm" ? 2 : 1
  const lstmOp = lstmSequenceOp(tf)
  const gruOp = gruCell === "reset_after" ? gruResetAfterSequenceOp(tf) : gruSequenceOp(tf)
  const zeroState = (batch: number): Tensor[] =>
    Array.from({ length: p.layers * nStates }, () => tf.zeros([batch, p.hidden]))
  return {
    spec,
    kind: "recurrent",
    variables,
    outputSize: 1,
    layersModel: model,
    // Training and inference through the fused whole-sequence ops (same variables as the
    // tfjs layers; see kernels/rnn-train-ops.ts for why).
    apply: (x, state) => {
      const [b, t] = x.shape as [number, number, number]
      const s0 = state ?? zeroState(b)
      const next: Tensor[] = []
      let seq = p.mu_law === undefined ? x : withMuLawChannel(tf, x, p.mu_law)
      for (let i = 0; i < p.layers; i++) {
        const kernel = variables.get(`rnn${i}/kernel`)!
        const recurrent = variables.get(`rnn${i}/recurrent_kernel`)!
        const bias = variables.get(`rnn${i}/bias`)!
        const n = b * t
        if (p.cell === "lstm") {
          const out = lstmOp(seq, kernel, recurrent, bias, s0[2 * i]!, s0[2 * i + 1]!)
          seq = tf.reshape(tf.slice(out, [0, 0], [n, p.hidden]), [b, t, p.hidden])
          next.push(tf.slice(out, [n, 0], [b, p.hidden]), tf.slice(out, [n + b, 0], [b, p.hidden]))
        } else {
          const out = gruOp(seq, kernel, recurrent, bias, s0[i]!)
          seq = tf.reshape(tf.slice(out, [0, 0], [n, p.hidden]), [b, t, p.hidden])
          next.push(tf.slice(out, [n, 0], [b, p.hidden]))
        }
      }
      const head = tf.add(tf.matMul(tf.reshape(seq, [b * t, p.hidden]), variables.get("out/kernel")!), variables.get("out/bias")!)
      if (p.output === "gain") {
        const [residual, logGain] = tf.split(tf.reshape(head, [b, t, 2]), 2, 2)
        return { y: tf.add(tf.mul(audioChannel(tf, x), tf.exp(logGain!)), residual!), state: next }
      }
      let y = tf.reshape(head, [b, t, 1])
      if (p.skip) y = tf.add(y, audioChannel(tf, x))
      return { y, state: next }
    },
    zeroState,
    summary: `${cellLabel(p)} ${p.layers}×${p.hidden}${p.mu_law !== undefined ? `, μ-law input (μ ${p.mu_law})` : ""}${p.output === "gain" ? ", gain head" : p.skip ? ", skip" : ""}${cond.length > 0 ? `, conditioned on ${cond.join(", ")}` : ""}`,
    dispose: () => model.dispose()
  } as AudioModel & { layersModel: tfTypes.LayersModel }
}

/** The tfjs LayersModel inside a model.rnn (x → residual from a zero state), for predict and tests. */
export const rnnLayersModel = (model: AudioModel): tfTypes.LayersModel => (model as AudioModel & { layersModel: tfTypes.LayersModel }).layersModel

/**
 * model.rnn's files: a real tfjs LayersModel (topology + weights) saved through an in-memory
 * IOHandler, so model.json also loads with `tf.loadLayersModel`.
 */
const saveRnnArtifacts = async (_tf: Tf, model: AudioModel, metadata: Record<string, unknown>): Promise<SavedArtifacts> => {
  let captured: tfTypes.io.ModelArtifacts | undefined
  const handler: tfTypes.io.IOHandler = {
    save: async (a) => {
      captured = a
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } }
    }
  }
  const layers = rnnLayersModel(model)
  layers.setUserDefinedMetadata(metadata)
  await layers.save(handler)
  return { format: "layers-model", artifacts: captured! }
}

/** The per-sample LSTM/GRU kernel (WASM SIMD or typed-array, see kernels/rnn-kernel.ts) for trained weights ("rnn0/kernel", ..., "out/bias"); `params` with defaults applied. */
export const rnnFastKernel = (params: Readonly<Record<string, unknown>>, inputSize: number, weights: ReadonlyMap<string, Float32Array>): FastKernel => {
  const p = rnnParamsOf(params)
  const w = rnnWeightsFrom(weights, p, inputSize)
  const kernel = rnnKernelFor(w, rnnCellKind(p))
  return { name: `${kernel.engine} ${cellLabel(p)} kernel`, kernel }
}

/** model.rnn: everything audioml knows about the kind (schema, build, files, fast kernel). */
export const rnnModel: ModelDefinition = {
  uses: "model.rnn",
  description: "LSTM/GRU sample-to-sample effect model with skip and conditioning (Wright et al.)",
  schema: rnnParams,
  kind: "recurrent",
  input: "audio",
  build: buildRnn,
  saveArtifacts: saveRnnArtifacts,
  fastKernel: rnnFastKernel,
  newModelParams: newRnnParams
}

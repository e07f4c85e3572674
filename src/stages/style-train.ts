import type { Artifact } from "../engine/artifact.js"
import { recordRunFact } from "../engine/run-facts.js"
import type { StageContext, StageDefinition } from "../engine/stage.js"
import type { ChainItem } from "../effects/chain.js"
import { chainSchema } from "../effects/chain.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"
import { notDifferentiable } from "../ml/differentiable/chain.js"
import { styleEncoderCatalog, styleEncoderModel, trainStyleEncoder, type EncoderExample, type StyleEncoderSpec } from "../ml/style/encoder.js"
import type { GradientMethod } from "../ml/style/match-style.js"
import { splitHalves } from "../ml/style/halves.js"
import { SPSA_DEFAULTS } from "../ml/style/spsa.js"
import { knownT, REFERENCE_HALF_LABEL } from "../ml/style/style-pairs.js"
import type { FreeParam } from "../ml/differentiable/param-space.js"
import { integer, number, object, oneOf } from "../params/schema.js"
import { PAIRED_AUDIO_SET, openPairedAudioSet, type PairRef } from "./artifacts/paired-audio-set.js"
import { encodeStyleEncoderArtifact, STYLE_ENCODER } from "./artifacts/style-encoder-artifact.js"
import { promiseStage } from "./stage-effect.js"
import { styleChainParams } from "./style-pairs.js"

/** style.train params (defaults in the schema below). */
export interface StyleTrainParams {
  readonly chain: ReadonlyArray<ChainItem>
  readonly model: Pick<StyleEncoderSpec, "uses"> & Partial<StyleEncoderSpec>
  readonly gradient: "auto" | GradientMethod
  readonly epochs: number
  readonly batch: number
  readonly lr: number
  readonly perturbations: number
  readonly pretrain_epochs: number
}

const examples = (refs: ReadonlyArray<PairRef>, free: ReadonlyArray<FreeParam>): { examples: EncoderExample[]; sampleRate: number } => {
  let sampleRate = 0
  const out = refs.map((ref) => {
    const pair = ref.load()
    sampleRate = pair.input.sampleRate
    const h = splitHalves(pair.input.channels[0]!, pair.target.channels[0]!, pair.labels[REFERENCE_HALF_LABEL] === 1 ? 1 : 0)
    return { input: h.input, reference: h.reference, truth: h.truth, t: knownT(pair.labels, free).every((v) => v !== undefined) ? (knownT(pair.labels, free) as number[]) : undefined }
  })
  return { examples: out, sampleRate }
}

const runStyleTrain = async (params: StyleTrainParams, inputs: Readonly<Record<string, Artifact>>, ctx: StageContext): Promise<Artifact> => {
  const free = styleChainParams(params.chain, "chain")
  styleEncoderCatalog.require(params.model.uses, "model.uses")
  const why = notDifferentiable(params.chain, free)
  const gradient: GradientMethod = params.gradient === "auto" ? (why === undefined ? "autodiff" : "spsa") : params.gradient
  if (gradient === "autodiff" && why !== undefined) throw ParameterError.of("gradient", `autodiff needs a differentiable chain: ${why}; use gradient = "spsa"`)
  const all = openPairedAudioSet(inputs["pairs"]!)
  const split = all.some((r) => r.split !== undefined)
  const trainRefs = split ? all.filter((r) => r.split === "train") : all
  const valRefs = split ? all.filter((r) => r.split === "val") : []
  if (trainRefs.length === 0) throw new DataError({ message: `style.train: no "train" pairs (${all.length} pairs in other splits)` })
  const train = examples(trainRefs, free)
  const val = examples(valRefs, free)
  const { loadBackend } = await import("../ml/backend.js")
  const backend = await loadBackend()
  recordRunFact("tfjs_backend", backend.name)
  ctx.progress.start(params.epochs, "epochs")
  const weights = await trainStyleEncoder(backend.tf, params.chain, free, train.examples, val.examples, train.sampleRate, {
    spec: { hidden: 64, layers: 2, ...params.model },
    gradient,
    epochs: params.epochs,
    batch: params.batch,
    learningRate: params.lr,
    pretrainEpochs: params.pretrain_epochs,
    spsa: { ...SPSA_DEFAULTS, perturbations: params.perturbations },
    seed: ctx.seed,
    baseDir: ctx.configDir,
    onEpoch: (epoch, trainLoss, valLoss) => {
      ctx.progress.update(epoch, `loss ${trainLoss.toFixed(4)}${valLoss === null ? "" : ` val ${valLoss.toFixed(4)}`}`)
      ctx.log(`epoch ${epoch}: train loss ${trainLoss.toFixed(4)}${valLoss === null ? "" : `, val loss ${valLoss.toFixed(4)}`}`)
    }
  })
  return encodeStyleEncoderArtifact(weights)
}

/** Trains a style encoder (mode B) through the style chain on style.pairs (src/ml/style/encoder.ts). */
export const styleTrainStage: StageDefinition<StyleTrainParams> = {
  uses: "style.train",
  version: 2,
  description:
    "Train a style encoder (mode B): a network from (input half, reference half) to the style chain's normalised " +
    "parameters, trained on style.pairs through the chain with MR-STFT + loudness to the ground-truth half; " +
    "gradients by autodiff through the differentiable twins, or by SPSA on the DSP chain; optionally warm-started by " +
    "regression of the pairs' known parameters (pretrain_epochs). Keeps the best validation epoch.",
  params: object(
    {
      chain: { ...chainSchema(), description: "the style chain (searched parameters as ranges): the encoder predicts its searched parameters" },
      model: { ...styleEncoderCatalog.unionSchema(), description: `the encoder, { uses = "${styleEncoderModel.uses}", hidden = 64, layers = 2 }`, default: { uses: styleEncoderModel.uses } },
      gradient: oneOf(["auto", "autodiff", "spsa"], { description: "dJ/dt through the chain: autodiff (differentiable chains), spsa (any chain); auto picks autodiff where it can", default: "auto" }),
      epochs: integer({ description: "passes over the training pairs", minimum: 1, maximum: 10000, default: 10, distribution: false }),
      batch: integer({ description: "pairs per optimiser step", minimum: 1, maximum: 4096, default: 8, distribution: false }),
      lr: number({ description: "Adam step size", minimum: 0, maximum: 1, default: 0.003, distribution: false }),
      perturbations: integer({ description: "SPSA perturbations per gradient estimate", minimum: 1, maximum: 1024, default: SPSA_DEFAULTS.perturbations, distribution: false }),
      pretrain_epochs: integer({
        description: "warm start: epochs of L1 regression of the pairs' known parameters (style_t.* labels) before training through the chain; cheap (no chain evaluated)",
        minimum: 0,
        maximum: 100000,
        default: 0,
        distribution: false
      })
    },
    { required: ["chain"] }
  ),
  inputs: { pairs: { kinds: [PAIRED_AUDIO_SET], description: "pairs made by style.pairs with the same style chain (train split; val split for model selection)" } },
  output: STYLE_ENCODER,
  run: (params, inputs, ctx) => promiseStage(ctx, () => runStyleTrain(params, inputs, ctx))
}

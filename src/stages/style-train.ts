import type { Artifact } from "../engine/artifact.js"
import { recordRunFact } from "../engine/run-facts.js"
import type { StageContext, StageDefinition } from "../engine/stage.js"
import type { ChainItem } from "../effects/chain.js"
import { chainSchema } from "../effects/chain.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"
import { notDifferentiable } from "../ml/differentiable/chain.js"
import { assertFineTunable, StyleEncoderError, styleEncoderCatalog, styleEncoderModel, trainStyleEncoder, type EncoderExample, type StyleEncoderSpec } from "../ml/style/encoder.js"
import type { GradientMethod } from "../ml/style/match-style.js"
import { splitHalves } from "../ml/style/halves.js"
import { SPSA_DEFAULTS } from "../ml/style/spsa.js"
import { corruptResponseDb, knownT, REFERENCE_HALF_LABEL } from "../ml/style/style-pairs.js"
import { LOUDNESS_WEIGHT } from "../ml/style/objective.js"
import { eqTeacher } from "../ml/style/teacher.js"
import type { FreeParam } from "../ml/differentiable/param-space.js"
import { integer, number, object, oneOf } from "../params/schema.js"
import { PAIRED_AUDIO_SET, openPairedAudioSet, type PairRef } from "./artifacts/paired-audio-set.js"
import { decodeStyleEncoderArtifact, encodeStyleEncoderArtifact, STYLE_ENCODER } from "./artifacts/style-encoder-artifact.js"
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
  readonly teacher: "known" | "eq_corrected"
  readonly references: "one" | "both"
  readonly loudness_weight: number
  readonly finetune_lr?: number
  readonly train_pairs?: number
  readonly val_pairs?: number
}

/**
 * The encoder's examples of `refs`: each pair's input half, reference half and ground-truth
 * half, with the warm start's coordinates (the known ones, or the EQ teacher's where the
 * pair records its corrupting response); with `both`, each pair also the other way round
 * (the other half of the target as the reference), which doubles the examples for free.
 */
const examples = (
  refs: ReadonlyArray<PairRef>,
  free: ReadonlyArray<FreeParam>,
  o: { readonly both: boolean; readonly teacher: StyleTrainParams["teacher"]; readonly chain: ReadonlyArray<ChainItem>; readonly seed: number }
): { examples: EncoderExample[]; sampleRate: number } => {
  let sampleRate = 0
  const out = refs.flatMap((ref) => {
    const pair = ref.load()
    sampleRate = pair.input.sampleRate
    const known = knownT(pair.labels, free)
    let t: ReadonlyArray<number> | undefined = known.every((v) => v !== undefined) ? (known as number[]) : undefined
    if (t !== undefined && o.teacher === "eq_corrected") {
      const corrupt = corruptResponseDb(pair.labels)
      if (corrupt === undefined) throw new DataError({ message: `style.train: teacher = "eq_corrected" needs pairs that record their corrupting response (labels corrupt_db[k]; pair ${pair.id}): remake them with style.pairs 3 and a corrupting chain of EQs and gains` })
      t = Array.from(eqTeacher(o.chain, free, t, corrupt, pair.input.sampleRate, o.seed))
    }
    const first = pair.labels[REFERENCE_HALF_LABEL] === 1 ? 1 : 0
    return (o.both ? [first, 1 - first] : [first]).map((half) => {
      const h = splitHalves(pair.input.channels[0]!, pair.target.channels[0]!, half as 0 | 1)
      return { input: h.input, reference: h.reference, truth: h.truth, t }
    })
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
  const trainRefs = (split ? all.filter((r) => r.split === "train") : all).slice(0, params.train_pairs)
  const valRefs = (split ? all.filter((r) => r.split === "val") : []).slice(0, params.val_pairs)
  if (trainRefs.length === 0) throw new DataError({ message: `style.train: no "train" pairs (${all.length} pairs in other splits)` })
  if (params.teacher === "eq_corrected" && params.pretrain_epochs === 0) throw ParameterError.of("teacher", 'the teacher\'s coordinates are what the warm start regresses: set pretrain_epochs > 0 with teacher = "eq_corrected"')
  const spec: StyleEncoderSpec = { hidden: 64, layers: 2, ...params.model }
  const init = inputs["init"] === undefined ? undefined : decodeStyleEncoderArtifact(inputs["init"])
  if (init !== undefined) {
    try {
      assertFineTunable(init, spec, free, trainRefs[0]!.sampleRate)
    } catch (e) {
      if (e instanceof StyleEncoderError) throw new DataError({ message: `style.train: init: ${e.message}` })
      throw e
    }
  }
  const train = examples(trainRefs, free, { both: params.references === "both", teacher: params.teacher, chain: params.chain, seed: ctx.seed })
  // validation as the evaluation sees the pairs: one reference half each
  const val = examples(valRefs, free, { both: false, teacher: "known", chain: params.chain, seed: ctx.seed })
  const { loadBackend } = await import("../ml/backend.js")
  const backend = await loadBackend()
  recordRunFact("tfjs_backend", backend.name)
  ctx.progress.start(params.epochs, "epochs")
  const weights = await trainStyleEncoder(backend.tf, params.chain, free, train.examples, val.examples, train.sampleRate, {
    spec,
    gradient,
    epochs: params.epochs,
    batch: params.batch,
    learningRate: params.lr,
    pretrainEpochs: params.pretrain_epochs,
    finetuneLearningRate: params.finetune_lr,
    init,
    loudnessWeight: params.loudness_weight,
    spsa: { ...SPSA_DEFAULTS, perturbations: params.perturbations },
    seed: ctx.seed,
    baseDir: ctx.configDir,
    onEpoch: (epoch, trainLoss, valLoss) => {
      const val = valLoss === null ? "" : `val loss ${valLoss.toFixed(4)}`
      if (trainLoss === null) {
        const start = [init === undefined ? "" : "the initial encoder", params.pretrain_epochs > 0 ? `${params.pretrain_epochs} epochs of regression` : ""].filter((s) => s !== "").join(", then ")
        return ctx.log(`warm start (${start}): ${val || "no validation pairs"}`)
      }
      ctx.progress.update(epoch, `loss ${trainLoss.toFixed(4)}${valLoss === null ? "" : ` val ${valLoss.toFixed(4)}`}`)
      ctx.log(`epoch ${epoch}: train loss ${trainLoss.toFixed(4)}${val === "" ? "" : `, ${val}`}`)
    }
  })
  return encodeStyleEncoderArtifact(weights)
}

/** Trains a style encoder (mode B) through the style chain on style.pairs (src/ml/style/encoder.ts). */
export const styleTrainStage: StageDefinition<StyleTrainParams> = {
  uses: "style.train",
  version: 3,
  description:
    "Train a style encoder (mode B): a network from (input half, reference half) to the style chain's normalised " +
    "parameters, trained on style.pairs through the chain with MR-STFT + loudness to the ground-truth half; " +
    "gradients by autodiff through the differentiable twins, or by SPSA on the DSP chain; optionally warm-started by " +
    "regression of the pairs' known parameters or of the EQ teacher's (pretrain_epochs, teacher), or fine-tuned from another encoder (init). Keeps the best validation epoch.",
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
      }),
      teacher: oneOf(["known", "eq_corrected"], {
        description:
          "what the warm start regresses: known (the style_t.* labels) or eq_corrected (the chain's leading EQ refitted to the style EQ's response minus the " +
          "pair's corrupting response, corrupt_db labels of style.pairs 3; the other parameters known)",
        default: "known"
      }),
      references: oneOf(["one", "both"], {
        description: "one: each training pair as made (its reference half); both: also the other way round (the other target half as the reference), twice the examples",
        default: "one"
      }),
      loudness_weight: number({ description: "weight of |ΔLUFS| in the training loss, per LU", minimum: 0, maximum: 100, default: LOUDNESS_WEIGHT, distribution: false }),
      finetune_lr: number({ description: "Adam step size of the epochs through the chain after a warm start or from an init encoder (default: lr)", minimum: 0, maximum: 1, distribution: false }),
      train_pairs: integer({ description: "use only the first N training pairs (default: all)", minimum: 1, distribution: false }),
      val_pairs: integer({ description: "use only the first N validation pairs (default: all)", minimum: 0, distribution: false })
    },
    { required: ["chain"] }
  ),
  inputs: {
    pairs: { kinds: [PAIRED_AUDIO_SET], description: "pairs made by style.pairs with the same style chain (train split; val split for model selection)" },
    init: {
      kinds: [STYLE_ENCODER],
      optional: true,
      description:
        "fine-tune: start from this encoder's weights and feature standardisation (same chain parameters, model and sample rate), e.g. one trained on many synthetic pairs; its validation loss is epoch 0"
    }
  },
  output: STYLE_ENCODER,
  run: (params, inputs, ctx) => promiseStage(ctx, () => runStyleTrain(params, inputs, ctx))
}

import { jsonBytes, makeArtifact, type Artifact } from "../engine/artifact.js"
import { recordRunFact } from "../engine/run-facts.js"
import type { StageContext, StageDefinition } from "../engine/stage.js"
import type { ChainItem } from "../effects/chain.js"
import { chainSchema } from "../effects/chain.js"
import { DataError, ParameterError } from "../errors/audioml-error.js"
import { notDifferentiable } from "../ml/differentiable/chain.js"
import { MATCH_DEFAULTS, SPSA_DEFAULTS } from "../ml/style/match-style.js"
import { evaluatePair, STYLE_METHODS, summarise, tableMarkdown, type EncoderPredict, type MethodScore, type StyleMethod } from "../ml/style/style-evaluation.js"
import { knownT, REFERENCE_HALF_LABEL } from "../ml/style/style-pairs.js"
import { array, integer, number, object, oneOf } from "../params/schema.js"
import { PAIRED_AUDIO_SET, openPairedAudioSet } from "./artifacts/paired-audio-set.js"
import { METRICS } from "./evaluate.js"
import { promiseStage } from "./stage-effect.js"
import { styleChainParams } from "./style-pairs.js"
import { testItems } from "./train/model-inputs.js"
import { decodeStyleEncoderArtifact, STYLE_ENCODER } from "./artifacts/style-encoder-artifact.js"

/** style.evaluate params (defaults in the schema below). */
export interface StyleEvaluateParams {
  readonly chain: ReadonlyArray<ChainItem>
  readonly methods: ReadonlyArray<StyleMethod>
  readonly split: "test" | "val" | "train" | "all"
  readonly max_pairs?: number
  readonly iterations: number
  readonly learning_rate: number
  readonly perturbations: number
}

const runStyleEvaluate = async (params: StyleEvaluateParams, inputs: Readonly<Record<string, Artifact>>, ctx: StageContext): Promise<Artifact> => {
  const free = styleChainParams(params.chain, "chain")
  const methods = [...new Set(params.methods)]
  const encoderArtifact = inputs["encoder"]
  if (methods.includes("encoder") && encoderArtifact === undefined) throw ParameterError.of("methods", 'the "encoder" row needs a trained encoder: connect from = { pairs = "...", encoder = "<style.train stage>" }')
  if (encoderArtifact !== undefined && !methods.includes("encoder")) methods.push("encoder")
  if (methods.includes("autodiff")) {
    const why = notDifferentiable(params.chain, free)
    if (why !== undefined) throw ParameterError.of("methods", `"autodiff" needs a differentiable chain: ${why}`)
  }
  let refs = testItems(openPairedAudioSet(inputs["pairs"]!), params.split)
  if (refs.length === 0) throw new DataError({ message: `style.evaluate: no "${params.split}" pairs to evaluate` })
  if (params.max_pairs !== undefined) refs = refs.slice(0, params.max_pairs)
  const missing = refs.find((r) => knownT(r.labels, free).some((v) => v === undefined))
  if (missing !== undefined) {
    throw new DataError({ message: `style.evaluate: pair ${missing.id} has no label ${free.map((p) => `style_t.${p.name}`).join(", ")}: were the pairs made by style.pairs with the same style chain as \`chain\`?` })
  }
  const needsTf = methods.includes("autodiff") || methods.includes("encoder")
  let tf
  if (needsTf) {
    const { loadBackend } = await import("../ml/backend.js")
    const backend = await loadBackend()
    recordRunFact("tfjs_backend", backend.name)
    tf = backend.tf
  }
  let encoder: EncoderPredict | undefined
  let disposeEncoder = () => {}
  if (encoderArtifact !== undefined) {
    const { loadStyleEncoder, StyleEncoderError } = await import("../ml/style/encoder.js")
    const weights = decodeStyleEncoderArtifact(encoderArtifact)
    if (refs[0] !== undefined && refs[0].sampleRate !== weights.sampleRate) {
      throw new DataError({ message: `style.evaluate: the encoder was trained at ${weights.sampleRate} Hz, the pairs are at ${refs[0].sampleRate} Hz` })
    }
    let loaded
    try {
      loaded = loadStyleEncoder(tf!, weights, free)
    } catch (e) {
      if (e instanceof StyleEncoderError) throw new DataError({ message: `style.evaluate: ${e.message}: train it with the same chain as \`chain\`` })
      throw e
    }
    encoder = loaded.predict
    disposeEncoder = loaded.dispose
  }
  const scores: Array<Partial<Record<StyleMethod, MethodScore>>> = []
  const perPair: unknown[] = []
  ctx.progress.start(refs.length, "pairs")
  try {
    for (const [i, ref] of refs.entries()) {
      const pair = ref.load()
      const half = pair.labels[REFERENCE_HALF_LABEL] === 1 ? 1 : 0
      const s = await evaluatePair(
        params.chain,
        free,
        { input: pair.input.channels[0]!, target: pair.target.channels[0]!, referenceHalf: half, sampleRate: pair.input.sampleRate, t: knownT(pair.labels, free) },
        {
          methods,
          match: { iterations: params.iterations, learningRate: params.learning_rate, spsa: { ...SPSA_DEFAULTS, perturbations: params.perturbations } },
          seed: ctx.seed,
          tf,
          encoder,
          baseDir: ctx.configDir
        }
      )
      scores.push(s)
      perPair.push({ id: pair.id, ...s })
      ctx.progress.update(i + 1, `input ${s.input?.mrstft.toFixed(3) ?? "—"}`)
    }
  } finally {
    disposeEncoder()
  }
  const table = summarise(scores)
  const markdown = tableMarkdown(table)
  ctx.log(`style transfer on ${refs.length} pair(s):\n${markdown}`)
  return makeArtifact(METRICS, [
    ["metrics.json", jsonBytes({ pairs: refs.length, params: free.map((p) => p.name), table, per_pair: perPair })],
    ["table.md", new TextEncoder().encode(markdown + "\n")]
  ])
}

/** Evaluates style transfer on held-out pairs in DeepAFx-ST's table layout (src/ml/style/style-evaluation.ts). */
export const styleEvaluateStage: StageDefinition<StyleEvaluateParams> = {
  uses: "style.evaluate",
  version: 2,
  description:
    "Style transfer scored on held-out style.pairs in DeepAFx-ST's table layout: per method (corrupted input, rule-based " +
    "loudness + tilt matching, mode A by autodiff or SPSA, mode A from the reference alone with the style loss, a trained " +
    "style encoder) the MR-STFT distance to the ground-truth half, the LUFS error, the parameter MAE against the known " +
    "parameters and seconds per pair; writes metrics.json and table.md.",
  params: object(
    {
      chain: { ...chainSchema(), description: "the style chain the pairs were made with (searched parameters as ranges): what every method fits" },
      methods: array(oneOf([...STYLE_METHODS], { description: "a row of the table" }), {
        description: "rows to compute (an `encoder` input adds the encoder row)",
        default: ["input", "rule_based", "autodiff", "spsa"],
        minItems: 1
      }),
      split: oneOf(["test", "val", "train", "all"], { description: "pairs to evaluate (pairs without splits are evaluated whole)", default: "test" }),
      max_pairs: integer({ description: "evaluate only the first N pairs", minimum: 1, distribution: false }),
      iterations: integer({ description: "mode A: Adam steps per pair", minimum: 1, maximum: 100000, default: MATCH_DEFAULTS.iterations, distribution: false }),
      learning_rate: number({ description: "mode A: Adam step size on the [0, 1] coordinates", minimum: 0, maximum: 1, default: MATCH_DEFAULTS.learningRate, distribution: false }),
      perturbations: integer({ description: "mode A with SPSA: perturbations averaged per gradient estimate", minimum: 1, maximum: 1024, default: SPSA_DEFAULTS.perturbations, distribution: false })
    },
    { required: ["chain"] }
  ),
  inputs: {
    pairs: { kinds: [PAIRED_AUDIO_SET], description: "pairs made by style.pairs with the same style chain" },
    encoder: { kinds: [STYLE_ENCODER], optional: true, description: "a style encoder trained by style.train (mode B)" }
  },
  output: METRICS,
  run: (params, inputs, ctx) => promiseStage(ctx, () => runStyleEvaluate(params, inputs, ctx))
}

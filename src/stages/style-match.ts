import { isAbsolute, resolve } from "node:path"
import type { Artifact } from "../engine/artifact.js"
import { recordRunFact } from "../engine/run-facts.js"
import type { StageContext, StageDefinition } from "../engine/stage.js"
import type { ChainItem } from "../effects/chain.js"
import { chainSchema } from "../effects/chain.js"
import { ParameterError, withContext } from "../errors/audioml-error.js"
import { readAudioFile } from "../audio/read-audio-file.js"
import { notDifferentiable } from "../ml/differentiable/chain.js"
import { toMono } from "../dsp/signal.js"
import { MATCH_DEFAULTS, matchStyle, SPSA_DEFAULTS, StyleMatchError, type GradientMethod } from "../ml/style/match-style.js"
import type { LossKind } from "../ml/style/objective.js"
import { renderAt } from "../ml/style/render.js"
import { T_LABEL_PREFIX, UNITS_LABEL_PREFIX } from "../ml/style/style-pairs.js"
import type { LabelValue } from "../params/labels.js"
import { integer, number, object, oneOf, string } from "../params/schema.js"
import { AUDIO_SET, AudioSetWriter, openAudioSet } from "./artifacts/audio-set.js"
import { promiseStage } from "./stage-effect.js"
import { styleChainParams } from "./style-pairs.js"

/** style.match params (defaults in the schema below). */
export interface StyleMatchParams {
  readonly chain: ReadonlyArray<ChainItem>
  readonly reference: string
  readonly method: "auto" | GradientMethod
  readonly loss: "auto" | LossKind
  readonly iterations: number
  readonly learning_rate: number
  readonly perturbations: number
}

/** Label with the search's best loss. */
export const STYLE_LOSS_LABEL = "style.loss"

const runStyleMatch = async (params: StyleMatchParams, inputs: Readonly<Record<string, Artifact>>, ctx: StageContext): Promise<Artifact> => {
  const free = styleChainParams(params.chain, "chain")
  const refs = openAudioSet(inputs["audio"]!)
  const file = isAbsolute(params.reference) ? params.reference : resolve(ctx.configDir, params.reference)
  const rate = refs[0]?.sampleRate
  let reference: Float32Array
  try {
    reference = toMono(await readAudioFile(file, { channels: "mono", sampleRate: rate }))
  } catch (e) {
    throw withContext(e, "reference")
  }
  const why = notDifferentiable(params.chain, free)
  let tf
  const base = ctx.rng()
  const out = new AudioSetWriter(ctx.scratchDir)
  ctx.progress.start(refs.length, "clips")
  for (const [i, ref] of refs.entries()) {
    const clip = ref.load()
    const input = toMono(clip.audio)
    const loss: LossKind = params.loss === "auto" ? (input.length === reference.length ? "match" : "style") : params.loss
    if (loss === "match" && input.length !== reference.length) {
      throw ParameterError.of("loss", `clip ${clip.id} has ${input.length} samples, the reference ${reference.length}: the match loss compares sample by sample (use loss = "style" for different material)`)
    }
    const method: GradientMethod = params.method === "auto" ? (loss === "match" && why === undefined ? "autodiff" : "spsa") : params.method
    if (method === "autodiff" && tf === undefined) {
      const { loadBackend } = await import("../ml/backend.js")
      const backend = await loadBackend()
      recordRunFact("tfjs_backend", backend.name)
      tf = backend.tf
    }
    const seed = Math.floor(base.fork(clip.id).next() * 2 ** 31)
    let result
    try {
      result = await matchStyle(tf, params.chain, input, reference, clip.audio.sampleRate, {
        method,
        loss,
        iterations: params.iterations,
        learningRate: params.learning_rate,
        spsa: { ...SPSA_DEFAULTS, perturbations: params.perturbations },
        seed,
        baseDir: ctx.configDir
      })
    } catch (e) {
      if (e instanceof StyleMatchError) throw ParameterError.of("method", `clip ${clip.id}: ${e.message}`)
      throw withContext(e, `style.match: clip ${clip.id}`)
    }
    const labels: Record<string, LabelValue> = { ...clip.labels, [STYLE_LOSS_LABEL]: result.bestLoss }
    free.forEach((p, k) => {
      labels[T_LABEL_PREFIX + p.name] = result.t[k]!
      labels[UNITS_LABEL_PREFIX + p.name] = result.params[p.name]!
    })
    out.add({ id: clip.id, audio: renderAt(params.chain, free, result.t, clip.audio, seed, ctx.configDir), labels, split: clip.split })
    ctx.progress.update(i + 1, `${method} ${loss} loss ${result.history[0]?.toFixed(3)} → ${result.bestLoss.toFixed(3)}`)
    ctx.log(`${clip.id}: ${method}, ${loss} loss ${result.history[0]?.toFixed(4)} → ${result.bestLoss.toFixed(4)}`)
  }
  return out.finish()
}

/** Mode A of style transfer in a pipeline: `audioml style` for every clip of an AudioSet against one reference. */
export const styleMatchStage: StageDefinition<StyleMatchParams> = {
  uses: "style.match",
  version: 2,
  description:
    "Style transfer, mode A: fit the chain's searched parameters (written as ranges) so that each clip takes on the style " +
    "of one reference recording (Adam on autodiff or SPSA gradients; MR-STFT + loudness when clip and reference hold the " +
    "same material, the content-independent style loss otherwise), and render the clip through the DSP chain with them. " +
    "Output: the restyled clips, labelled with the parameters found (style.<param> in units, style_t.<param> normalised) and the loss.",
  params: object(
    {
      chain: { ...chainSchema(), description: "the chain to fit: parameters written as { uniform = [lo, hi] } or { log_uniform = [lo, hi] } are searched, the others fixed" },
      reference: string({ description: "WAV in the style to match (relative to the config file; mixed to mono and resampled to the clips' rate)", minLength: 1 }),
      method: oneOf(["auto", "autodiff", "spsa"], { description: "gradients: autodiff through the differentiable twins, SPSA on the DSP chain (any effect); auto = autodiff where the chain and loss allow", default: "auto" }),
      loss: oneOf(["auto", "match", "style"], { description: "match (same material: MR-STFT + loudness), style (different material, SPSA only); auto = match when clip and reference have the same length", default: "auto" }),
      iterations: integer({ description: "Adam steps per clip", minimum: 1, maximum: 100000, default: MATCH_DEFAULTS.iterations, distribution: false }),
      learning_rate: number({ description: "Adam step size on the [0, 1] coordinates", minimum: 0, maximum: 1, default: MATCH_DEFAULTS.learningRate, distribution: false }),
      perturbations: integer({ description: "SPSA perturbations per gradient estimate", minimum: 1, maximum: 1024, default: SPSA_DEFAULTS.perturbations, distribution: false })
    },
    { required: ["chain", "reference"] }
  ),
  inputs: { audio: { kinds: [AUDIO_SET], description: "clips to restyle" } },
  externalPaths: (params) => [params.reference],
  output: AUDIO_SET,
  run: (params, inputs, ctx) => promiseStage(ctx, () => runStyleMatch(params, inputs, ctx))
}

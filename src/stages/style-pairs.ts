import type { StageDefinition } from "../engine/stage.js"
import type { ChainItem } from "../effects/chain.js"
import { chainSchema } from "../effects/chain.js"
import { ParameterError, withContext } from "../errors/audioml-error.js"
import { ParamSpaceError, type FreeParam } from "../ml/differentiable/param-space.js"
import { makeStylePair, styleFreeParams } from "../ml/style/style-pairs.js"
import { object } from "../params/schema.js"
import { openAudioSet } from "./artifacts/audio-set.js"
import { PAIRED_AUDIO_SET, PairedAudioSetWriter } from "./artifacts/paired-audio-set.js"
import { syncStage } from "./stage-effect.js"

/** style.pairs params: the corrupting chain (default none) and the style chain. */
export interface StylePairsParams {
  readonly corrupt?: ReadonlyArray<ChainItem>
  readonly style: ReadonlyArray<ChainItem>
}

/** The style chain's free parameters, or a ParameterError naming `style`. */
export const styleChainParams = (chain: ReadonlyArray<ChainItem>, parameter: string): FreeParam[] => {
  let free: FreeParam[]
  try {
    free = styleFreeParams(chain)
  } catch (e) {
    if (e instanceof ParamSpaceError) throw ParameterError.of(parameter, e.message)
    throw e
  }
  if (free.length === 0) throw ParameterError.of(parameter, "no parameter is searched: write the ones to vary as ranges, e.g. gain_db = { uniform = [-12, 12] }")
  return free
}

const mono = (channels: ReadonlyArray<Float32Array>): Float32Array => {
  if (channels.length === 1) return channels[0]!
  const out = new Float32Array(channels[0]!.length)
  for (const c of channels) for (let i = 0; i < out.length; i++) out[i]! += c[i]! / channels.length
  return out
}

/**
 * Style-transfer pairs made the DeepAFx-ST way from clean clips (src/ml/style/style-pairs.ts):
 * input = clip through `corrupt`, target = clip through `style` at uniformly drawn
 * coordinates, labelled with them. Clips are mixed to mono. Per-clip randomness comes from
 * `ctx.rng().fork(clip.id)`, so a pair depends only on the config, the seed and its clip.
 */
export const stylePairsStage: StageDefinition<StylePairsParams> = {
  uses: "style.pairs",
  version: 3,
  description:
    "Style-transfer pairs made the DeepAFx-ST way: input = the clean clip through a random 'bad' chain (`corrupt`), " +
    "target = the clip through the `style` chain with every searched parameter (written as a range) drawn uniformly; " +
    "labels style_t.<param> (normalised, the ground truth for parameter MAE), style.<param> (units) and reference_half " +
    "(which half of the target is the style reference; the other half is the ground truth for the matching input half), and " +
    "corrupt_db[0..31] (the corrupting chain's response in dB on a log-frequency grid, when it is all EQs and gains). Mono.",
  params: object(
    {
      corrupt: { ...chainSchema(), description: "the random 'bad' chain applied to the input (DeepAFx-ST: a random EQ); distributions drawn per clip" },
      style: { ...chainSchema(), description: "the style chain: parameters written as { uniform = [lo, hi] } or { log_uniform = [lo, hi] } are drawn per clip and become labels" }
    },
    { required: ["style"] }
  ),
  inputs: { audio: { kinds: ["AudioSet"], description: "clean clips" } },
  output: PAIRED_AUDIO_SET,
  run: (params, inputs, ctx) =>
    syncStage(ctx, () => {
      const free = styleChainParams(params.style, "style")
      const refs = openAudioSet(inputs["audio"]!)
      const base = ctx.rng()
      ctx.progress.start(refs.length, "clips")
      const pairs = new PairedAudioSetWriter(ctx.scratchDir)
      refs.forEach((ref, i) => {
        const clip = ref.load()
        try {
          const signal = { sampleRate: clip.audio.sampleRate, channels: [mono(clip.audio.channels)] }
          const p = makeStylePair(signal, params.corrupt ?? [], params.style, free, base.fork(clip.id), ctx.configDir)
          pairs.add({ id: clip.id, input: p.input, target: p.target, labels: { ...clip.labels, ...p.labels }, split: clip.split })
        } catch (e) {
          throw withContext(e, `style.pairs: clip ${clip.id}`)
        }
        ctx.progress.update(i + 1)
      })
      return pairs.finish()
    })
}

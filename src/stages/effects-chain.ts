import type { StageDefinition } from "../engine/stage.js"
import { applyChain, chainLabels, chainSchema, defaultLabelOptions, resolveChain, type ChainItem, type LabelOptions } from "../effects/chain.js"
import { boolean, object, oneOf, string, type JsonSchema } from "../params/schema.js"
import { openAudioSet } from "./artifacts/audio-set.js"
import { PairedAudioSetWriter } from "./artifacts/paired-audio-set.js"
import { syncStage } from "./stage-effect.js"
import { withContext } from "../errors/audioml-error.js"

export interface EffectsChainParams {
  readonly chain: ReadonlyArray<ChainItem>
  readonly labels?: Partial<LabelOptions>
}

const labelsSchema: JsonSchema = {
  ...object({
    prefix: string({ description: "label name prefix: <prefix>.<i>.<uses>.<param>", default: "fx", pattern: "^[A-Za-z0-9_-]+$" }),
    normalised: boolean({
      description: "also write every numeric parameter mapped to [0, 1] with its schema range, as <prefix>_norm.<i>.<uses>.<param>",
      default: false
    }),
    include: oneOf(["all", "drawn"], { description: "label every applied parameter, or only those drawn from distributions", default: "all" })
  }),
  description: "how applied parameters become labels",
  default: {}
}

/**
 * Runs every clip of an AudioSet through one effect chain and pairs the dry clip with the
 * wet result. Distributions are drawn per clip from `ctx.rng().fork(clip.id)`, so a clip's
 * wet audio and labels depend only on the config, the seed and the clip id — not on the
 * order or number of other clips.
 */
export const effectsChainStage: StageDefinition<EffectsChainParams> = {
  uses: "effects.chain",
  version: 3,
  description:
    "Apply an effect chain to every clip: output pairs (input = dry clip, target = wet), labelled with the applied " +
    "parameter values (after drawing distributions) plus the clip's own labels; split kept.",
  params: object(
    {
      chain: chainSchema(),
      labels: labelsSchema
    },
    { required: ["chain"] }
  ),
  inputs: { audio: { kinds: ["AudioSet"], description: "dry clips" } },
  // files read from disk (reverb.convolve's `ir`, circuit.spice's `netlist`): their content is part of the cache key
  externalPaths: (params) =>
    (params.chain as ReadonlyArray<{ uses: string; ir?: unknown; netlist?: unknown }>).flatMap((e) =>
      e.uses === "reverb.convolve" && typeof e.ir === "string" ? [e.ir] : e.uses === "circuit.spice" && typeof e.netlist === "string" ? [e.netlist] : []
    ),
  output: "PairedAudioSet",
  run: (params, inputs, ctx) =>
    syncStage(ctx, () => {
      const refs = openAudioSet(inputs["audio"]!)
      const options: LabelOptions = { ...defaultLabelOptions, ...params.labels }
      const base = ctx.rng()
      ctx.progress.start(refs.length, "clips")
      // one clip read, processed and written at a time: memory does not grow with the set
      const pairs = new PairedAudioSetWriter(ctx.scratchDir)
      refs.forEach((ref, i) => {
        const clip = ref.load()
        const rng = base.fork(clip.id)
        try {
          const resolved = resolveChain(params.chain, rng.fork("params"))
          const target = applyChain(clip.audio, resolved, rng.fork("effects"), ctx.configDir)
          ctx.progress.update(i + 1)
          pairs.add({
            id: clip.id,
            input: clip.audio,
            target,
            labels: { ...clip.labels, ...chainLabels(resolved, options) },
            split: clip.split
          })
        } catch (e) {
          throw withContext(e, `effects.chain: clip ${clip.id}`)
        }
      })
      return pairs.finish()
    })
}

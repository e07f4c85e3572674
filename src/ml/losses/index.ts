/**
 * The loss registry: `loss = { uses = "loss.esr", ... }` or a weighted sum
 * `loss = [{ uses = "loss.esr", weight = 1 }, { uses = "loss.dc", weight = 0.1 }]`.
 */
import type { Tf } from "../backend.js"
import { Catalog } from "../../params/catalog.js"
import { type JsonSchema, number } from "../../params/schema.js"
import type { Tensor } from "../model.js"
import { type Loss, type LossContext } from "./loss.js"
import { esrParams, makeEsr } from "./esr.js"
import { makeDc, makeL1, makeMse, noParams } from "./elementwise.js"
import { makeMelStft, makeMrstft, melStftParams, mrstftParams } from "./stft.js"
import { makeParamLoss, paramLossParams } from "./param.js"
import { makeTriplet, tripletParams } from "./triplet.js"
import { makeVaeLoss, vaeLossParams } from "./vae.js"
import { LossError } from "../../errors/audioml-error.js"

type Params = Readonly<Record<string, unknown>>

export interface LossDefinition {
  readonly uses: string
  readonly description: string
  readonly schema: JsonSchema
  readonly make: (tf: Tf, params: Params, ctx: LossContext) => Loss
}

/** Every loss, by `uses`. */
export const lossCatalog: Catalog<LossDefinition> = new Catalog<LossDefinition>([
  { uses: "loss.esr", description: "Error-to-signal ratio with optional pre-emphasis", schema: esrParams, make: (tf, p, c) => makeEsr(tf, p as never, c) },
  { uses: "loss.dc", description: "DC error relative to signal energy", schema: noParams, make: (tf) => makeDc(tf) },
  { uses: "loss.l1", description: "Mean absolute error", schema: noParams, make: (tf) => makeL1(tf) },
  { uses: "loss.mse", description: "Mean squared error", schema: noParams, make: (tf) => makeMse(tf) },
  { uses: "loss.mrstft", description: "Multi-resolution STFT loss (spectral convergence + log magnitude, auraloss)", schema: mrstftParams, make: (tf, p) => makeMrstft(tf, p as never) },
  { uses: "loss.mel_stft", description: "Mel-scaled STFT loss (spectral convergence + log magnitude on mel bands)", schema: melStftParams, make: (tf, p, c) => makeMelStft(tf, p as never, c) },
  { uses: "loss.param", description: "Parameter loss with component weights: MAE or MSE of regressed normalised labels, cross-entropy of classified ones", schema: paramLossParams, make: (tf, p, c) => makeParamLoss(tf, p as never, c) },
  { uses: "loss.triplet", description: "Triplet margin loss on (anchor, positive, negative) embeddings", schema: tripletParams, make: (tf, p) => makeTriplet(tf, p as never) },
  { uses: "loss.vae", description: "VAE objective: reconstruction error of parameter vectors + β·KL to the unit Gaussian", schema: vaeLossParams, make: (tf, p, c) => makeVaeLoss(tf, p as never, c) }
], { kind: "loss", schemaOf: (d) => d.schema })

const withWeight = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  properties: {
    ...((schema["properties"] as Record<string, JsonSchema>) ?? {}),
    weight: number({ description: "Weight of this term in the sum", minimum: 0, default: 1, distribution: false })
  }
})

/**
 * One loss table, or a list of weighted terms. if/then/else rather than anyOf so that ajv
 * applies the defaults of whichever form is given.
 */
export const lossSchema: JsonSchema = {
  description: 'A loss `{ uses = "loss.esr", ... }` or a weighted sum `[{ uses = ..., weight = ... }, ...]`',
  if: { type: "array" },
  then: { type: "array", minItems: 1, items: lossCatalog.unionSchema((_d, schema) => withWeight(schema)) },
  else: lossCatalog.unionSchema()
}

export type LossConfig = Params | ReadonlyArray<Params>

const makeOne = (tf: Tf, config: Params, ctx: LossContext): Loss => {
  const uses = String(config["uses"])
  const def = lossCatalog.require(uses, "loss.uses")
  const { uses: _u, weight: _w, ...params } = config
  return def.make(tf, params, ctx)
}

/**
 * The STFT terms of a loss config and the shortest window (in samples) each accepts: more
 * than half its largest FFT size (loss.mrstft's `fft_sizes`, default [1024, 2048, 512];
 * loss.mel_stft's `fft_size`, default 2048). Plain config reading, without tfjs, so `validate`
 * can check a loss against the windows it will see (a TBPTT chunk).
 *
 * @example stftMinLengths([{ uses: "loss.esr" }, { uses: "loss.mrstft", fft_sizes: [512] }]) // [{ index: 1, uses: "loss.mrstft", key: "fft_sizes", min: 257 }]
 */
export const stftMinLengths = (config: LossConfig): Array<{ readonly index: number | undefined; readonly uses: string; readonly key: string; readonly min: number }> => {
  const terms = Array.isArray(config) ? (config as ReadonlyArray<Params>).map((c, i) => [c, i] as const) : [[config as Params, undefined] as const]
  const out: Array<{ index: number | undefined; uses: string; key: string; min: number }> = []
  for (const [c, index] of terms) {
    if (c["uses"] === "loss.mrstft") {
      const ffts = Array.isArray(c["fft_sizes"]) ? (c["fft_sizes"] as number[]) : [1024, 2048, 512]
      out.push({ index, uses: "loss.mrstft", key: "fft_sizes", min: Math.floor(Math.max(...ffts) / 2) + 1 })
    } else if (c["uses"] === "loss.mel_stft") {
      out.push({ index, uses: "loss.mel_stft", key: "fft_size", min: Math.floor(Number(c["fft_size"] ?? 2048) / 2) + 1 })
    }
  }
  return out
}

/** Build a loss (or a weighted sum of terms) from its config. */
export const buildLoss = (tf: Tf, config: LossConfig, ctx: LossContext): Loss => {
  if (!Array.isArray(config)) return makeOne(tf, config as Params, ctx)
  const terms = (config as ReadonlyArray<Params>).map((c) => ({ loss: makeOne(tf, c, ctx), weight: Number(c["weight"] ?? 1) }))
  if (terms.length === 0) throw new LossError({ message: "loss: an empty list of terms" })
  return {
    name: terms.map((t) => `${t.weight}·${t.loss.name}`).join(" + "),
    fn: (y, yhat, segmentTarget) => {
      let total: Tensor | undefined
      for (const t of terms) {
        const v = tf.mul(t.weight, t.loss.fn(y, yhat, segmentTarget))
        total = total === undefined ? v : tf.add(total, v)
      }
      return total!
    },
    segmentNormalised: terms.some((t) => t.loss.segmentNormalised === true),
    dispose: () => terms.forEach((t) => t.loss.dispose())
  }
}

export type { Loss, LossContext } from "./loss.js"

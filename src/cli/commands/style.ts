import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { writeFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import type { Signal } from "../../dsp/signal.js"
import { encodeWav } from "../../audio/wav.js"
import { integratedLoudness } from "../../features/lufs.js"
import { loadBackend } from "../../ml/backend.js"
import { notDifferentiable } from "../../ml/differentiable/chain.js"
import { freeParams, ParamSpaceError } from "../../ml/differentiable/param-space.js"
import { MATCH_DEFAULTS, matchStyle, SPSA_DEFAULTS, StyleMatchError, type GradientMethod } from "../../ml/style/match-style.js"
import { MrStftTarget } from "../../ml/style/mrstft.js"
import type { LossKind } from "../../ml/style/objective.js"
import { renderAt } from "../../ml/style/render.js"
import { applyBackendFlag, backendFlag } from "../backend-flag.js"
import { readInputWav } from "../read-input-wav.js"
import { badInput, UserError } from "../user-error.js"
import { loadChainFile } from "./fx.js"

export interface StyleOptions {
  readonly input: string
  readonly reference: string
  readonly chain: string
  readonly output: string
  /** Default: autodiff when the chain is differentiable and the loss is `match`, else spsa. */
  readonly method?: GradientMethod | undefined
  /** Default `auto`: `match` when input and reference have the same length, else `style`. */
  readonly loss?: LossKind | "auto" | undefined
  readonly iterations?: number | undefined
  readonly seed?: number | undefined
  readonly onStep?: ((step: number, loss: number) => void) | undefined
}

export interface StyleResult {
  readonly input: string
  readonly reference: string
  readonly output: string
  readonly method: GradientMethod
  readonly loss: LossKind
  readonly iterations: number
  readonly threads: number
  readonly seconds: number
  /** The parameters found, by name (`chain[0].bands[1].gain_db`), in units, with each unit. */
  readonly params: Array<{ readonly name: string; readonly value: number; readonly unit: string }>
  /** The search loss at the starting point (every free parameter mid-range) and at the best point. */
  readonly loss_start: number
  readonly loss_best: number
  /** MR-STFT distance to the reference (match loss only): the input itself, the start, the result. */
  readonly mrstft?: { readonly input: number; readonly start: number; readonly result: number }
  /** Integrated loudness (BS.1770-4) of reference and result, LUFS. */
  readonly lufs: { readonly reference: number; readonly result: number }
}

const mono = (s: Signal): Float32Array => {
  const n = s.channels[0]?.length ?? 0
  if (s.channels.length === 1) return s.channels[0]!
  const out = new Float32Array(n)
  for (const c of s.channels) for (let i = 0; i < n; i++) out[i]! += c[i]! / s.channels.length
  return out
}

/**
 * `audioml style` without the CLI: fit the chain's searched parameters (those written as
 * ranges) so that the input takes on the reference's style, render the input through the
 * DSP chain with them, and write the output WAV (32-bit float, all channels). The search
 * runs on the mono mix. Bad files, chains or options throw UserError (exit 2).
 */
export const styleFile = async (o: StyleOptions): Promise<StyleResult> => {
  const chain = loadChainFile(o.chain)
  const signal = readInputWav(o.input)
  const refSignal = readInputWav(o.reference)
  if (signal.sampleRate !== refSignal.sampleRate) {
    throw badInput(`${o.reference}: sample rate ${refSignal.sampleRate} Hz differs from ${o.input}'s ${signal.sampleRate} Hz (resample one with sox first)`)
  }
  const iterations = o.iterations ?? MATCH_DEFAULTS.iterations
  if (!(Number.isInteger(iterations) && iterations >= 1 && iterations <= 100000)) throw badInput(`--iterations must be an integer from 1 to 100000 (got ${iterations})`)
  const input = mono(signal)
  const reference = mono(refSignal)
  const loss: LossKind = o.loss === undefined || o.loss === "auto" ? (input.length === reference.length ? "match" : "style") : o.loss
  let free
  try {
    free = freeParams(chain)
  } catch (e) {
    if (e instanceof ParamSpaceError) throw badInput(`${o.chain}: ${e.message}`)
    throw e
  }
  const method: GradientMethod = o.method ?? (loss === "match" && notDifferentiable(chain, free) === undefined ? "autodiff" : "spsa")
  const seed = o.seed ?? 0
  const baseDir = dirname(resolve(o.chain))
  const tf = method === "autodiff" ? (await loadBackend()).tf : undefined
  const started = performance.now()
  let result
  try {
    result = await matchStyle(tf, chain, input, reference, signal.sampleRate, {
      method,
      loss,
      iterations,
      learningRate: MATCH_DEFAULTS.learningRate,
      spsa: SPSA_DEFAULTS,
      seed,
      baseDir,
      onStep: o.onStep
    })
  } catch (e) {
    if (e instanceof StyleMatchError || e instanceof ParamSpaceError) throw badInput(`${o.chain}: ${e.message}`)
    throw e
  }
  const seconds = (performance.now() - started) / 1000
  const out = renderAt(chain, result.free, result.t, signal, seed, baseDir)
  try {
    writeFileSync(o.output, encodeWav(out))
  } catch (e) {
    throw new UserError({ message: `cannot write ${o.output}: ${(e as Error).message}`, exitCode: 1 })
  }
  const mid = new Float64Array(result.free.length).fill(0.5)
  const mrstft =
    loss === "match"
      ? (() => {
          const target = new MrStftTarget(reference)
          const startOut = mono(renderAt(chain, result.free, mid, { sampleRate: signal.sampleRate, channels: [input] }, seed, baseDir))
          return { input: target.value(input), start: target.value(startOut), result: target.value(mono(out)) }
        })()
      : undefined
  return {
    input: o.input,
    reference: o.reference,
    output: o.output,
    method,
    loss,
    iterations,
    threads: result.threads,
    seconds,
    params: result.free.map((p) => ({ name: p.name, value: result.params[p.name]!, unit: p.unit ?? "" })),
    loss_start: result.history[0] ?? NaN,
    loss_best: result.bestLoss,
    ...(mrstft !== undefined ? { mrstft } : {}),
    lufs: { reference: integratedLoudness(refSignal.channels, refSignal.sampleRate).integrated, result: integratedLoudness(out.channels, out.sampleRate).integrated }
  }
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3))

export const styleCommand = Command.make(
  "style",
  {
    input: Argument.String("input.wav").pipe(Argument.withDescription("The audio to restyle")),
    reference: Flag.String("reference").pipe(Flag.withDescription("A recording in the style to match")),
    chain: Flag.String("chain").pipe(
      Flag.withDescription('chain.toml; the parameters to fit are written as ranges: gain_db = { uniform = [-24, 24] }, freq = { log_uniform = [20, 200] }')
    ),
    out: Flag.String("out").pipe(Flag.withDescription("Output WAV (32-bit float): the input through the chain with the parameters found")),
    method: Flag.Literals("method", ["autodiff", "spsa"] as const).pipe(
      Flag.optional,
      Flag.withDescription("Gradients by autodiff through the differentiable effects, or SPSA over the DSP chain (any effect); default autodiff when the chain allows it")
    ),
    loss: Flag.Literals("loss", ["auto", "match", "style"] as const).pipe(
      Flag.withDefault("auto" as const),
      Flag.withDescription("match: MR-STFT + loudness (same material); style: content-independent statistics; auto: match when the lengths are equal")
    ),
    iterations: Flag.Int("iterations").pipe(Flag.optional, Flag.withDescription(`Optimiser steps (default ${MATCH_DEFAULTS.iterations})`)),
    seed: Flag.Int("seed").pipe(Flag.optional, Flag.withDescription("Seed of SPSA's perturbations and of random effects (default 0)")),
    json: Flag.Boolean("json").pipe(Flag.withDefault(false), Flag.withDescription("Print the result as JSON")),
    backend: backendFlag
  },
  (args) =>
    Effect.gen(function* () {
      applyBackendFlag(args.backend)
      const result = yield* Effect.tryPromise({
        try: () =>
          styleFile({
            input: args.input,
            reference: args.reference,
            chain: args.chain,
            output: args.out,
            method: Option.getOrUndefined(args.method),
            loss: args.loss,
            iterations: Option.getOrUndefined(args.iterations),
            seed: Option.getOrUndefined(args.seed)
          }),
        catch: (e) => (e instanceof UserError ? e : new UserError({ message: (e as Error).message, exitCode: 1 }))
      })
      if (args.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
        return
      }
      const lines = [
        `${result.output}: ${result.method}, ${result.loss} loss, ${result.iterations} steps in ${result.seconds.toFixed(1)} s (${result.threads} thread(s)); loss ${fmt(result.loss_start)} -> ${fmt(result.loss_best)}`,
        ...(result.mrstft !== undefined
          ? [`MR-STFT to reference: input ${fmt(result.mrstft.input)}, start ${fmt(result.mrstft.start)}, result ${fmt(result.mrstft.result)}`]
          : []),
        `LUFS: reference ${result.lufs.reference.toFixed(1)}, result ${result.lufs.result.toFixed(1)}`,
        ...result.params.map((p) => `  ${p.name} = ${fmt(p.value)}${p.unit !== "" ? ` ${p.unit}` : ""}`)
      ]
      process.stdout.write(lines.join("\n") + "\n")
    })
).pipe(Command.withDescription("Fit an effect chain's parameters so that input.wav takes on the style of a reference (DeepAFx-ST mode A)"))

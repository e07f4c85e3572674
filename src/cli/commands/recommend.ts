import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import * as Option from "effect/Option"
import { existsSync } from "node:fs"
import { normaliseLabel, type ModelMeta } from "../../ml/model-meta.js"
import { loadPredictor, type Predictor } from "../../ml/predictor.js"
import { presetValuesFromPrediction } from "../../ml/resynthesis.js"
import { presetKey } from "../../synth/preset-labels.js"
import { synthParamOfLabel } from "../../synth/preset-labels.js"
import { normalise, type SynthPreset } from "../../synth/params.js"
import { readPresetFile } from "../../synth/preset-source.js"
import { formatAmsynthBank } from "../../synth/presets/amsynth-bank.js"
import { applyBackendFlag, backendFlag } from "../backend-flag.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"
import { jsonFlag } from "../shared-flags.js"
import { badInput, toUserError, UserError } from "../user-error.js"
import { loadRunModel, readBankArgs } from "./synth-models.js"

/**
 * `audioml recommend --model <run> --preset <name|file> [--bank files] [--toward brighter|darker|louder|quieter|longer|shorter|<preset>] [--n 5] [--out presets.bank]`
 * With a trained model.vae_recommender: without --toward, the presets of the banks nearest
 * the given one in the latent space ("presets near this one"); with --toward an attribute,
 * n new presets moving from it along the attribute's latent direction, `--step` latent
 * units at a time; with --toward another preset, n presets interpolated between the two
 * (the latent line from one to the other, decoded).
 */
export interface RecommendOptions {
  readonly model: string
  readonly preset: string
  readonly banks?: ReadonlyArray<string>
  readonly toward?: string
  readonly n?: number
  readonly step?: number
  readonly out?: string
}

export interface Recommendation {
  readonly name: string
  readonly bank?: string
  /** Euclidean distance in the latent space from the given preset. */
  readonly distance: number
  /** The parameters that differ most from the given preset (normalised change). */
  readonly changes: ReadonlyArray<{ readonly name: string; readonly from: number; readonly to: number }>
  readonly values?: ReadonlyArray<number>
}

export interface RecommendResult {
  readonly model: string
  readonly preset: string
  readonly mode: "nearest" | "toward" | "interpolate"
  readonly toward?: string
  readonly recommendations: ReadonlyArray<Recommendation>
  readonly out?: string
}

const isVae = (meta: ModelMeta): boolean => meta.uses === "model.vae_recommender"

/** Opposite names of the attribute directions. */
const OPPOSITES: Readonly<Record<string, string>> = { darker: "brighter", quieter: "louder", shorter: "longer" }

const findPreset = (ref: string, bank: ReadonlyArray<SynthPreset>): SynthPreset => {
  if (/\.(bank|fxp|fxb)$/i.test(ref) && existsSync(ref)) {
    const presets = readPresetFile(ref)
    if (presets.length === 0) throw badInput(`--preset ${ref}: the file holds no presets`)
    return presets[0]!
  }
  const [bankName, name] = ref.includes("/") ? [ref.slice(0, ref.indexOf("/")), ref.slice(ref.indexOf("/") + 1)] : [undefined, ref]
  const found = bank.filter((p) => p.name === name && (bankName === undefined || p.bank === bankName))
  if (found.length === 0) {
    const similar = bank.filter((p) => p.name.toLowerCase().includes(name!.toLowerCase())).slice(0, 5)
    throw badInput(`--preset ${ref}: no preset of that name in the banks${similar.length > 0 ? ` (did you mean ${similar.map((p) => `${p.bank}/${p.name}`).join(", ")}?)` : ""}; or give a .bank/.fxp file`)
  }
  return found[0]!
}

const vectorOf = (meta: ModelMeta, preset: SynthPreset): Float32Array =>
  Float32Array.from(meta.targets, (t) => {
    const spec = synthParamOfLabel(t.from)
    if (spec === undefined) throw badInput(`the model's target ${t.name} is not a synth parameter`)
    const raw = preset.values[spec.index]!
    return Math.min(1, Math.max(0, normaliseLabel(t, t.from.endsWith(".norm") ? normalise(spec, raw) : raw)))
  })

const latentOf = (predictor: Predictor, meta: ModelMeta, vectors: ReadonlyArray<Float32Array>): Float32Array[] => {
  const k = meta.targets.length
  const latent = Number(meta.params["latent"] ?? 8)
  const out: Float32Array[] = []
  for (let i = 0; i < vectors.length; i += 512) out.push(...predictor.predictExamples(vectors.slice(i, i + 512)).map((row) => row.slice(k, k + latent)))
  return out
}

const distance = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2
  return Math.sqrt(s)
}

const changesOf = (meta: ModelMeta, from: ArrayLike<number>, to: ArrayLike<number>) =>
  meta.targets
    .map((t, k) => ({ name: synthParamOfLabel(t.from)?.name ?? t.name, from: from[k]!, to: to[k]!, d: Math.abs(to[k]! - from[k]!) }))
    .sort((a, b) => b.d - a.d)
    .slice(0, 4)
    .map(({ name, from, to }) => ({ name, from: Math.round(from * 1000) / 1000, to: Math.round(to * 1000) / 1000 }))

/** The whole command without the CLI layer; throws UserError (exit 2 on bad input). */
export const recommend = async (o: RecommendOptions): Promise<RecommendResult> => {
  const n = o.n ?? 5
  if (!(Number.isInteger(n) && n >= 1 && n <= 1000)) throw badInput(`--n ${n}: a whole number from 1 to 1000`)
  const step = o.step ?? 0.5
  if (!(step > 0)) throw badInput(`--step ${step}: a positive latent distance`)
  const { dir, model } = loadRunModel(o.model, isVae, "preset recommender (model.vae_recommender)")
  const { meta } = model
  const bank = readBankArgs(o.banks ?? ["factory"])
  const preset = findPreset(o.preset, bank)
  if (o.out !== undefined) {
    if (!/\.bank$/i.test(o.out)) throw badInput(`--out ${o.out}: the presets are written as an amsynth bank (.amSynth.bank or .bank)`)
    checkOutputPath(o.out, [{ role: "preset", path: o.preset }])
  }
  const predictor = await loadPredictor(model)
  try {
    const x = vectorOf(meta, preset)
    const [z] = latentOf(predictor, meta, [x])
    const decodePoints = (points: Float32Array[]): Float32Array[] => predictor.predictExamples(points)
    const asPreset = (vector: ArrayLike<number>, name: string): SynthPreset => {
      // parameters the model does not cover keep the given preset's values
      const values = Float64Array.from(preset.values)
      const predicted = presetValuesFromPrediction(meta.targets, vector)
      for (const t of meta.targets) {
        const spec = synthParamOfLabel(t.from)
        if (spec !== undefined) values[spec.index] = predicted[spec.index]!
      }
      return { name, values }
    }
    let result: Omit<RecommendResult, "out">
    let generated: SynthPreset[] = []
    const toward = o.toward
    const direction = toward === undefined ? undefined : (meta.directions?.[toward] ?? meta.directions?.[OPPOSITES[toward] ?? ""])
    if (toward === undefined) {
      const others = bank.filter((p) => presetKey(p.values) !== presetKey(preset.values))
      const zs = latentOf(predictor, meta, others.map((p) => vectorOf(meta, p)))
      const seen = new Set<string>()
      const ranked = others
        .map((p, i) => ({ p, d: distance(z!, zs[i]!), v: vectorOf(meta, p) }))
        .sort((a, b) => a.d - b.d)
        .filter((r) => {
          const key = presetKey(r.p.values)
          if (seen.has(key)) return false
          seen.add(key)
          return true
        })
        .slice(0, n)
      result = { model: dir, preset: `${preset.bank ?? ""}/${preset.name}`, mode: "nearest", recommendations: ranked.map((r) => ({ name: r.p.name, bank: r.p.bank ?? "", distance: Math.round(r.d * 1e4) / 1e4, changes: changesOf(meta, x, r.v) })) }
    } else if (direction !== undefined) {
      const sign = OPPOSITES[toward] !== undefined && meta.directions?.[toward] === undefined ? -1 : 1
      const points = Array.from({ length: n }, (_, i) => Float32Array.from(z!, (v, d) => v + sign * (i + 1) * step * direction.vector[d]!))
      const decoded = decodePoints(points)
      generated = decoded.map((v, i) => asPreset(v, `${preset.name} ${toward} ${i + 1}`))
      result = {
        model: dir,
        preset: `${preset.bank ?? ""}/${preset.name}`,
        mode: "toward",
        toward,
        recommendations: decoded.map((v, i) => ({ name: generated[i]!.name, distance: Math.round((i + 1) * step * 1e4) / 1e4, changes: changesOf(meta, x, v), values: Array.from(v, (a) => Math.round(a * 1e4) / 1e4) }))
      }
    } else {
      const known = Object.keys(meta.directions ?? {})
      let other: SynthPreset
      try {
        other = findPreset(toward, bank)
      } catch {
        throw badInput(`--toward ${toward}: neither an attribute (${[...known, ...Object.entries(OPPOSITES).filter(([, b]) => known.includes(b)).map(([a]) => a)].join(", ") || "the model has none: train it with features connected"}) nor a preset of the banks`)
      }
      const [z2] = latentOf(predictor, meta, [vectorOf(meta, other)])
      const points = Array.from({ length: n }, (_, i) => Float32Array.from(z!, (v, d) => v + ((i + 1) / (n + 1)) * (z2![d]! - v)))
      const decoded = decodePoints(points)
      generated = decoded.map((v, i) => asPreset(v, `${preset.name} to ${other.name} ${i + 1}`))
      result = {
        model: dir,
        preset: `${preset.bank ?? ""}/${preset.name}`,
        mode: "interpolate",
        toward: `${other.bank ?? ""}/${other.name}`,
        recommendations: decoded.map((v, i) => ({ name: generated[i]!.name, distance: Math.round(distance(z!, points[i]!) * 1e4) / 1e4, changes: changesOf(meta, x, v), values: Array.from(v, (a) => Math.round(a * 1e4) / 1e4) }))
      }
    }
    if (o.out !== undefined) {
      const presets = generated.length > 0 ? generated : result.recommendations.map((r) => bank.find((p) => p.name === r.name && (p.bank ?? "") === r.bank)!)
      writeOutputAtomic(o.out, formatAmsynthBank(presets.map((p) => ({ name: p.name, values: p.values }))))
    }
    return { ...result, ...(o.out !== undefined ? { out: o.out } : {}) }
  } finally {
    predictor.dispose()
  }
}

/** The text `audioml recommend` prints. */
export const formatRecommendations = (r: RecommendResult): string => {
  const head =
    r.mode === "nearest" ? `presets nearest ${r.preset}:` : r.mode === "toward" ? `${r.preset} moved toward "${r.toward}":` : `${r.preset} interpolated toward ${r.toward}:`
  return [
    head,
    ...r.recommendations.map(
      (x, i) => `  ${String(i + 1).padStart(2)}. ${x.bank !== undefined ? `${x.bank}/` : ""}${x.name}  latent distance ${x.distance.toFixed(3)}  ${x.changes.map((c) => `${c.name} ${c.from.toFixed(2)}→${c.to.toFixed(2)}`).join(", ")}`
    ),
    ...(r.out !== undefined ? [`presets written to ${r.out}`] : [])
  ].join("\n")
}


export const recommendCommand = Command.make(
  "recommend",
  {
    model: Flag.String("model").pipe(Flag.withDescription("A run folder (runs/<name>/<id>) with a trained model.vae_recommender, or its model folder")),
    preset: Flag.String("preset").pipe(Flag.withDescription('A preset: its name in the banks ("Snappy3" or "BriansBank20/Snappy3"), or a .bank/.fxp file (its first preset)')),
    bank: Flag.String("bank").pipe(Flag.atLeast(0), Flag.withDescription('Preset files to search and recommend from (default: "factory", amsynth\'s factory banks)')),
    toward: Flag.String("toward").pipe(Flag.optional, Flag.withDescription("An attribute (brighter, darker, louder, quieter, longer, shorter) or another preset to interpolate toward")),
    n: Flag.Int("n").pipe(Flag.withDefault(5), Flag.withDescription("How many presets")),
    step: Flag.Finite("step").pipe(Flag.withDefault(0.5), Flag.withDescription("Latent distance between successive presets along an attribute")),
    out: Flag.String("out").pipe(Flag.optional, Flag.withDescription("Write the presets as an amsynth bank")),
    json: jsonFlag,
    backend: backendFlag
  },
  (args) =>
    Effect.gen(function* () {
      applyBackendFlag(args.backend)
      const toward = Option.getOrUndefined(args.toward)
      const out = Option.getOrUndefined(args.out)
      const result = yield* Effect.tryPromise({
        try: () =>
          recommend({
            model: args.model,
            preset: args.preset,
            ...(args.bank.length > 0 ? { banks: args.bank } : {}),
            ...(toward !== undefined ? { toward } : {}),
            n: args.n,
            step: args.step,
            ...(out !== undefined ? { out } : {})
          }),
        catch: (e) => toUserError(e) ?? new UserError({ message: (e as Error).message, exitCode: 1 })
      })
      process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatRecommendations(result)}\n`)
    })
).pipe(Command.withDescription("Presets near a preset, moved toward an attribute (brighter…), or interpolated toward another (trained VAE recommender)"))

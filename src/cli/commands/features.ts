import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { encodeNpy } from "../../audio/npy.js"
import { parseValue } from "../../config/overrides.js"
import { checkFeatureParams } from "../../features/feature-validation.js"
import { formatParamIssue } from "../../params/param-issue.js"
import { extractFeatures } from "../../features/extract.js"
import { FEATURE_FAMILIES, featureDescriptions, type FeatureFamily, type FeatureParams } from "../../features/feature-params.js"
import { badInput, UserError, toUserError } from "../user-error.js"
import { frameTimes } from "../../dsp/stft.js"
import { checkOutputPath, writeOutputAtomic } from "../safe-output.js"
import { readInputWav } from "../read-input-wav.js"

/**
 * `audioml features <in.wav> --out DIR [--only mel,mfcc,f0,loudness] [--set mel.n_mels=64 ...]`
 * Writes one float32 .npy per feature track (dims × frames: mel.npy, mfcc.npy, f0.npy,
 * voiced.npy, voiced_prob.npy, loudness.npy, ...) and features.json with the resolved
 * parameters, shapes, frame times per hop and the integrated LUFS.
 */
export const DEFAULT_ONLY: ReadonlyArray<FeatureFamily> = ["mel", "mfcc", "f0", "loudness"]

export interface FeaturesCommandOptions {
  readonly input: string
  readonly out: string
  /** Families to compute (default mel, mfcc, f0, loudness). */
  readonly only?: ReadonlyArray<string>
  /** "family.key=value" overrides. */
  readonly set?: ReadonlyArray<string>
}

export interface FeaturesCommandResult {
  readonly input: string
  readonly out: string
  readonly sample_rate: number
  readonly channels: number
  readonly duration_s: number
  readonly params: FeatureParams
  readonly files: Record<string, { shape: [number, number]; hop: number; unit: string; description: string }>
  readonly frame_times: Record<string, number[]>
  readonly lufs_integrated: number | null
}

/** --only and --set into the params of the selected families, validated with defaults filled. */
export const resolveFeatureOptions = (only: ReadonlyArray<string> | undefined, set: ReadonlyArray<string> | undefined): FeatureParams => {
  const families = (only === undefined || only.length === 0 ? [...DEFAULT_ONLY] : only.flatMap((o) => o.split(",")).map((s) => s.trim()).filter((s) => s !== ""))
  for (const f of families)
    if (!(FEATURE_FAMILIES as ReadonlyArray<string>).includes(f)) throw badInput(`--only: unknown feature "${f}" (choose from ${FEATURE_FAMILIES.join(", ")})`)
  const raw: Record<string, Record<string, unknown>> = Object.fromEntries(families.map((f) => [f, {}]))
  for (const assignment of set ?? []) {
    const m = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)=(.*)$/.exec(assignment.trim())
    if (m === null) throw badInput(`--set ${assignment}: expected family.key=value, e.g. mel.n_mels=64`)
    const [, family, key, value] = m as unknown as [string, string, string, string]
    if (!(FEATURE_FAMILIES as ReadonlyArray<string>).includes(family)) throw badInput(`--set ${assignment}: unknown feature "${family}" (choose from ${FEATURE_FAMILIES.join(", ")})`)
    if (raw[family] === undefined) throw badInput(`--set ${assignment}: ${family} is not selected (--only ${families.join(",")})`)
    raw[family]![key] = parseValue(value)
  }
  const { params, issues } = checkFeatureParams(raw)
  if (issues.length > 0) throw badInput(`invalid feature parameters (--set):\n${issues.map((i) => `  ${formatParamIssue(i)}`).join("\n")}`)
  return params
}


/** The whole command without the CLI layer; throws UserError (exit 2 on bad input). */
export const computeFeaturesToDir = (o: FeaturesCommandOptions): FeaturesCommandResult => {
  const params = resolveFeatureOptions(o.only, o.set)
  const signal = readInputWav(o.input)
  let extracted: ReturnType<typeof extractFeatures>
  try {
    extracted = extractFeatures(signal, params)
  } catch (e) {
    throw badInput(`${o.input}: ${(e as Error).message}`)
  }
  const outputs = [...Object.keys(extracted.features).map((name) => join(o.out, `${name}.npy`)), join(o.out, "features.json")]
  for (const path of outputs) checkOutputPath(path, [{ role: "input", path: o.input }])
  const descriptions = featureDescriptions(params)
  const files: FeaturesCommandResult["files"] = {}
  const timesByHop: Record<string, number[]> = {}
  try {
    mkdirSync(o.out, { recursive: true })
    for (const [name, f] of Object.entries(extracted.features)) {
      writeOutputAtomic(join(o.out, `${name}.npy`), encodeNpy({ data: f.data, shape: [f.dims, f.frames] }))
      files[`${name}.npy`] = { shape: [f.dims, f.frames], hop: f.hop, unit: descriptions[name]?.unit ?? "", description: descriptions[name]?.description ?? name }
      timesByHop[`hop_${f.hop}`] ??= Array.from(frameTimes(f.frames, f.hop, signal.sampleRate))
    }
  } catch (e) {
    throw new UserError({ message: `cannot write to ${o.out}: ${(e as Error).message}`, exitCode: 1 })
  }
  const samples = signal.channels[0]!.length
  const result: FeaturesCommandResult = {
    input: o.input,
    out: o.out,
    sample_rate: signal.sampleRate,
    channels: signal.channels.length,
    duration_s: samples / signal.sampleRate,
    params,
    files,
    frame_times: timesByHop,
    lufs_integrated: extracted.scalars["lufs_integrated"] ?? null
  }
  writeOutputAtomic(join(o.out, "features.json"), JSON.stringify(result, null, 2) + "\n")
  return result
}

export const featuresCommand = Command.make(
  "features",
  {
    input: Argument.String("in.wav").pipe(Argument.withDescription("Input WAV (any bit depth, any rate; channels are averaged except for LUFS)")),
    out: Flag.String("out").pipe(Flag.withDescription("Output folder for <feature>.npy files and features.json")),
    only: Flag.String("only").pipe(
      Flag.atLeast(0),
      Flag.withDescription(`Comma-separated families: ${FEATURE_FAMILIES.join(", ")} (default ${DEFAULT_ONLY.join(",")})`)
    ),
    set: Flag.String("set").pipe(Flag.atLeast(0), Flag.withDescription("Override a parameter: family.key=value, e.g. mel.n_mels=64 or f0.method=yin"))
  },
  (args) =>
    Effect.gen(function* () {
      const result = yield* Effect.try({
        try: () => computeFeaturesToDir({ input: args.input, out: args.out, only: args.only, set: args.set }),
        catch: (e) => toUserError(e) ?? new UserError({ message: (e as Error).message, exitCode: 1 })
      })
      const lufs = result.lufs_integrated === null ? "" : `, ${result.lufs_integrated.toFixed(1)} LUFS integrated`
      process.stdout.write(`${result.out}: ${Object.keys(result.files).join(" ")} features.json (${result.duration_s.toFixed(2)} s at ${result.sample_rate} Hz${lufs})\n`)
    })
).pipe(Command.withDescription("Compute mel, MFCC, F0, loudness (and descriptors) of one WAV into .npy files"))

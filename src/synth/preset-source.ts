/**
 * Where the presets of a render come from: sampled (uniform or Sobol over each parameter's
 * raw range), or read from preset files (amsynth `.bank`, VST `.fxp`/`.fxb`) given as
 * paths, folders or globs (wildcards `*` and `?` in the file name only), or `"factory"`
 * for amsynth's installed factory banks.
 */
import { existsSync, readdirSync, statSync } from "node:fs"
import { basename, dirname, isAbsolute, join, resolve } from "node:path"
import { createRequire } from "node:module"
import { readAmsynthBank } from "./presets/amsynth-bank.js"
import { presetsFromVstFile, readVstPresetFile, type VstParamMap, amsynthVstParamMap } from "./presets/vst-preset.js"
import { AMSYNTH_INSTALL_HINT, findAmsynthFactoryBanks } from "./amsynth-install.js"
import { clampRaw, defaultPresetValues, denormalise, synthParamByName, synthParams, type SynthParamSpec, type SynthPreset } from "./params.js"

/** `banks` entry that means amsynth's installed factory banks. */
export const FACTORY_BANKS = "factory"

const PRESET_FILE = /\.(bank|fxp|fxb)$/i

const globToRegExp = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`)

/**
 * The preset files an entry names, sorted: a file, a folder (its `.bank`/`.fxp`/`.fxb`
 * files), a glob in the file name, or "factory". Relative paths resolve against `baseDir`.
 * Throws naming `where` when nothing matches.
 */
export const expandPresetPaths = (entry: string, baseDir: string, where: string): string[] => {
  if (entry === FACTORY_BANKS) {
    const found = findAmsynthFactoryBanks()
    if (found.length === 0) throw new Error(`${where}: "factory": amsynth's factory banks were not found; ${AMSYNTH_INSTALL_HINT}`)
    return found
  }
  const abs = isAbsolute(entry) ? entry : resolve(baseDir, entry)
  const name = basename(abs)
  if (/[*?]/.test(name)) {
    const dir = dirname(abs)
    if (/[*?]/.test(dir)) throw new Error(`${where}: "${entry}": wildcards are allowed in the file name only`)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${where}: "${entry}": folder ${dir} does not exist`)
    const re = globToRegExp(name)
    const files = readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => join(dir, f))
    if (files.length === 0) throw new Error(`${where}: "${entry}" matches no file`)
    return files
  }
  if (!existsSync(abs)) throw new Error(`${where}: "${entry}" does not exist (resolved to ${abs})`)
  if (statSync(abs).isDirectory()) {
    const files = readdirSync(abs).filter((f) => PRESET_FILE.test(f)).sort().map((f) => join(abs, f))
    if (files.length === 0) throw new Error(`${where}: folder "${entry}" holds no .bank, .fxp or .fxb file`)
    return files
  }
  return [abs]
}

/** The presets of one file, by its extension (`.fxp`/`.fxb`: VST; anything else: amsynth bank). */
export const readPresetFile = (file: string, paramMap: VstParamMap = amsynthVstParamMap): ReadonlyArray<SynthPreset> =>
  /\.fx[pb]$/i.test(file) ? presetsFromVstFile(readVstPresetFile(file), file, paramMap) : readAmsynthBank(file)

/** How to sample presets. */
export interface PresetSampling {
  readonly sample: "uniform" | "sobol"
  readonly count: number
  /** Raw values held fixed, by parameter name. */
  readonly fixed?: Readonly<Record<string, number>>
}

/** Check `fixed`: known names, values in range. Throws naming `where`. */
export const validateFixed = (fixed: Readonly<Record<string, number>>, where: string): void => {
  for (const [name, v] of Object.entries(fixed)) {
    const spec = synthParamByName(name)
    if (spec === undefined) throw new Error(`${where}.${name}: not an amsynth parameter (e.g. ${synthParams.slice(0, 3).map((p) => p.name).join(", ")})`)
    if (!(v >= spec.min && v <= spec.max)) throw new Error(`${where}.${name}: ${v} is outside [${spec.min}, ${spec.max}]`)
  }
}

/** u in [0, 1) → raw value; stepped parameters give each of their values the same share of [0, 1). */
const rawFromUnit = (spec: SynthParamSpec, u: number): number => {
  if (spec.step === 0) return denormalise(spec, u)
  const n = Math.round((spec.max - spec.min) / spec.step) + 1
  return spec.min + Math.min(n - 1, Math.floor(u * n)) * spec.step
}

type SobolCtor = new (dim: number) => { nextVector(): number[] }

/**
 * `count` presets drawn over every parameter's raw range (stepped parameters snapped to
 * their grid). "sobol" uses a Sobol sequence (npm `sobol`, Joe–Kuo directions) with a
 * seeded random shift (Cranley–Patterson), so it is low-discrepancy and still seeded;
 * "uniform" draws each value from `next()` (the caller's seeded rng).
 */
export const samplePresets = (s: PresetSampling, next: () => number): SynthPreset[] => {
  const fixed = s.fixed ?? {}
  const free = synthParams.filter((p) => fixed[p.name] === undefined)
  const unit = (): (() => number[]) => {
    if (s.sample === "uniform") return () => free.map(() => next())
    const Sobol = (createRequire(import.meta.url)("sobol") as { SobolSequenceGenerator: SobolCtor }).SobolSequenceGenerator
    const gen = new Sobol(Math.max(1, free.length))
    gen.nextVector() // the all-zero first point
    const shift = free.map(() => next())
    return () => gen.nextVector().slice(0, free.length).map((u, i) => (u + shift[i]!) % 1)
  }
  const draw = unit()
  const width = String(Math.max(0, s.count - 1)).length
  const out: SynthPreset[] = []
  for (let i = 0; i < s.count; i++) {
    const values = defaultPresetValues()
    for (const [name, v] of Object.entries(fixed)) {
      const spec = synthParamByName(name)!
      values[spec.index] = clampRaw(spec, v)
    }
    const u = draw()
    free.forEach((spec, k) => (values[spec.index] = rawFromUnit(spec, u[k]!)))
    out.push({ name: `${s.sample}-${String(i).padStart(width, "0")}`, values, bank: s.sample })
  }
  return out
}

/** How to draw presets around given ones (`around` of source.synth). */
export interface PresetsAround {
  readonly count: number
  /** Standard deviation of the Gaussian step of each continuous parameter, in normalised units. */
  readonly spread: number
  /** Probability that a stepped parameter (enum, switch, octave, semitone) takes a new value, drawn uniformly. */
  readonly switch: number
}

/**
 * `count` presets near `bases`: each picks a base preset uniformly, moves every continuous
 * parameter by a Gaussian step of `spread` (normalised units, clamped to the range) and
 * redraws each stepped one with probability `switch`. Parameters the bases hold at one
 * value everywhere (the ones older banks do not list) stay at it. Draws come from `rng`.
 */
export const presetsAround = (bases: ReadonlyArray<SynthPreset>, o: PresetsAround, rng: { next(): number; normal(mean?: number, std?: number): number }): SynthPreset[] => {
  if (bases.length === 0) throw new Error("around: no training presets to draw around")
  const constant = synthParams.map((spec) => bases.every((b) => b.values[spec.index] === bases[0]!.values[spec.index]))
  const width = String(Math.max(0, o.count - 1)).length
  const out: SynthPreset[] = []
  for (let i = 0; i < o.count; i++) {
    const base = bases[Math.min(bases.length - 1, Math.floor(rng.next() * bases.length))]!
    const values = Float64Array.from(base.values)
    for (const spec of synthParams) {
      if (constant[spec.index]) continue
      if (spec.step === 0) {
        if (o.spread === 0) continue
        const u = (values[spec.index]! - spec.min) / (spec.max - spec.min) + rng.normal(0, o.spread)
        values[spec.index] = denormalise(spec, Math.min(1, Math.max(0, u)))
      } else if (rng.next() < o.switch) values[spec.index] = rawFromUnit(spec, rng.next())
    }
    out.push({ name: `${base.name}~${String(i).padStart(width, "0")}`, values, bank: "around" })
  }
  return out
}

/**
 * The layer rules of src/ (README "Architecture"): parses every import of every module and
 * fails, naming the file and the import, when one runs up a layer or breaks a folder rule.
 */
import { readFileSync, readdirSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"

const SRC = resolve(import.meta.dirname, "../src")

/** Bottom to top: a module may import its own layer and the layers below it, never above. */
const LAYERS = ["errors", "params", "dsp", "audio", "effects", "features", "augment", "synth", "ml", "engine", "stages", "config", "report", "cli", "bench", "api"] as const
type Layer = (typeof LAYERS)[number]

/** The engine runs typed nodes and knows no audio: besides itself it imports only these. */
const ENGINE_MAY_IMPORT: ReadonlySet<Layer> = new Set(["errors", "params", "engine"])

/** Plain synchronous library layers: no Effect, and no file system or processes (I/O lives in audio/ and above). */
const PLAIN: ReadonlySet<Layer> = new Set(["params", "dsp", "effects", "features", "augment"])
const IO_MODULES = /^node:(fs|fs\/promises|child_process|net|http|https|worker_threads)$/
const EFFECT_MODULES = /^(effect|@effect\/)/

/** Outside stages/, only the stage registry is imported from stages/ (its internals are glue). */
const STAGES_ENTRY = "stages/registry.ts"
/** ... except what plugins are written against, which the public `audioml/engine` entry re-exports. */
const PLUGIN_CONTRACT = new Set(["stages/stage-effect.ts", "stages/artifacts/audio-set.ts", "stages/artifacts/paired-audio-set.ts"].map((f) => `src/${f}`))

const modules = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? modules(path) : /\.ts$/.test(name) ? [path] : []
  })

const layerOf = (file: string): Layer => {
  const rel = relative(SRC, file).split("\\").join("/")
  // src/index.ts and src/api/ are the package's public entries ("exports"): they may re-export any layer
  const folder = rel.split("/")[0]!
  if (rel === "index.ts" || folder === "api") return "api"
  if (!(LAYERS as ReadonlyArray<string>).includes(folder)) throw new Error(`src/${rel}: folder "${folder}" has no layer; add it to LAYERS (and to README "Architecture")`)
  return folder as Layer
}

interface Import {
  readonly from: string
  readonly specifier: string
  /** The imported module's path for relative specifiers. */
  readonly target?: string
}

const importsOf = (file: string): Import[] => {
  // comments can mention imports; strip them first (strings keep their content)
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
  const out: Import[] = []
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)) {
    const specifier = m[1]!
    const target = specifier.startsWith(".") ? resolve(dirname(file), specifier).replace(/\.js$/, ".ts") : undefined
    out.push({ from: file, specifier, ...(target !== undefined ? { target } : {}) })
  }
  return out
}

const all = modules(SRC).flatMap(importsOf)
const rel = (f: string) => `src/${relative(SRC, f).split("\\").join("/")}`
const show = (i: Import) => `${rel(i.from)} imports "${i.specifier}"`

describe("layers of src/", () => {
  it("finds the modules and their imports", () => {
    expect(all.length).toBeGreaterThan(500)
    expect(all.some((i) => i.target !== undefined && rel(i.target) === "src/dsp/fft.ts")).toBe(true)
  })

  it("no import runs up a layer", () => {
    const rank = (l: Layer) => LAYERS.indexOf(l)
    const bad = all.filter((i) => i.target !== undefined && rank(layerOf(i.target)) > rank(layerOf(i.from)))
    expect(bad.map((i) => `${show(i)} (${layerOf(i.from)} → ${layerOf(i.target!)})`)).toEqual([])
  })

  it("the engine imports only errors, params and itself (it knows no audio)", () => {
    const bad = all.filter((i) => i.target !== undefined && layerOf(i.from) === "engine" && !ENGINE_MAY_IMPORT.has(layerOf(i.target)))
    expect(bad.map(show)).toEqual([])
  })

  it("plain library layers use no Effect and do no I/O", () => {
    const bad = all.filter((i) => PLAIN.has(layerOf(i.from)) && (IO_MODULES.test(i.specifier) || EFFECT_MODULES.test(i.specifier)))
    expect(bad.map(show)).toEqual([])
  })

  it("only the stage registry is imported from stages/ by other folders", () => {
    const bad = all.filter(
      (i) =>
        i.target !== undefined &&
        layerOf(i.target) === "stages" &&
        layerOf(i.from) !== "stages" &&
        layerOf(i.from) !== "bench" &&
        rel(i.target) !== `src/${STAGES_ENTRY}` &&
        !(layerOf(i.from) === "api" && PLUGIN_CONTRACT.has(rel(i.target)))
    )
    expect(bad.map(show)).toEqual([])
  })

  it("the errors layer imports nothing from audioml", () => {
    const bad = all.filter((i) => layerOf(i.from) === "errors" && i.target !== undefined && layerOf(i.target) !== "errors")
    expect(bad.map(show)).toEqual([])
  })
})

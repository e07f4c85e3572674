import { isAbsolute, resolve, dirname } from "node:path"
import type { StageDefinition } from "../engine/stage.js"
import { array, integer, number, object, oneOf, record, string } from "../params/schema.js"
import { monoSignal } from "../dsp/signal.js"
import { AUDIO_SET, encodeAudioSet, type Clip } from "./artifacts/audio-set.js"
import type { Split } from "./artifacts/labels.js"
import { promiseStage } from "./stage-effect.js"
import { mapInOrder } from "./worker-pool.js"
import renderTask, { type RenderTask } from "./source-synth/render-worker.js"
import { renderNoteWithAmsynth, resolveAmsynthPlugin } from "../synth/dssi-host.js"
import { findAmsynthBankDir, findAmsynthPlugin } from "../synth/amsynth-install.js"
import { presetLabels } from "../synth/preset-labels.js"
import { expandPresetPaths, FACTORY_BANKS, presetsAround, readPresetFile, samplePresets, validateFixed, type PresetSampling, type PresetsAround } from "../synth/preset-source.js"
import { amsynthVstParamMap, validateParamMap } from "../synth/presets/vst-preset.js"
import { synthParams, type SynthPreset } from "../synth/params.js"

interface SynthSourceParams {
  readonly engine: "audioml" | "amsynth"
  readonly plugin?: string
  readonly presets?: PresetSampling
  readonly banks?: ReadonlyArray<string>
  readonly param_map?: ReadonlyArray<string>
  readonly limit?: number
  readonly notes: ReadonlyArray<number>
  readonly velocities: ReadonlyArray<number>
  readonly seconds: number
  readonly note_seconds: number
  readonly sample_rate: number
  readonly splits?: Readonly<Partial<Record<"train" | "val" | "test", ReadonlyArray<string>>>>
  readonly around?: PresetsAround
  readonly render_splits?: ReadonlyArray<Split>
}

const params = object({
  engine: oneOf(["audioml", "amsynth"], {
    description: '"audioml": our own renderer (src/synth); "amsynth": the real amsynth DSSI plugin through koffi (see `plugin`).',
    default: "audioml"
  }),
  plugin: string({
    description: "Path of amsynth_dssi.so for engine = \"amsynth\"; default: found in AUDIOML_AMSYNTH_DIR (a `dpkg -x` of the amsynth package), DSSI_PATH, /usr/lib/dssi.",
    minLength: 1
  }),
  presets: object(
    {
      sample: oneOf(["uniform", "sobol"], { description: "Uniform random draws, or a seeded-shift Sobol sequence, over every parameter's range.", default: "uniform" }),
      count: integer({ description: "Number of presets to draw.", minimum: 1, maximum: 1_000_000, distribution: false }),
      fixed: record({ type: "number" }, { description: "Raw values held fixed, by amsynth parameter name, e.g. { master_vol = 0.67, filter_type = 0 }." })
    },
    { required: ["count"], description: "Sampled presets (exclusive with `banks`)." }
  ),
  banks: array(string({ description: "A preset file, folder, or glob in the file name", minLength: 1 }), {
    description:
      'Preset files (exclusive with `presets`): amsynth banks (.bank), VST .fxp/.fxb, folders of them, globs like "banks/*.amSynth.bank", or "factory" for amsynth\'s installed factory banks. Relative to the config file.',
    minItems: 1
  }),
  param_map: array(string({ description: "amsynth parameter name, or \"\" to skip the index", minLength: 0 }), {
    description: "For .fxp/.fxb parameter lists (FxCk) of another synth: the amsynth parameter each index maps to. Default: amsynth's own order."
  }),
  limit: integer({ description: "Use a seeded random subset of this many presets (in their file order).", minimum: 1, distribution: false }),
  notes: array(integer({ description: "MIDI note", minimum: 0, maximum: 127, distribution: false }), {
    description: "Every preset is rendered at each of these MIDI notes.",
    minItems: 1,
    default: [60]
  }),
  velocities: array(integer({ description: "MIDI velocity", minimum: 1, maximum: 127, distribution: false }), {
    description: "…and at each of these velocities.",
    minItems: 1,
    default: [100]
  }),
  seconds: number({ description: "Length of each render.", exclusiveMinimum: 0, maximum: 60, default: 4, unit: "s", distribution: false }),
  note_seconds: number({ description: "Note-off time from the start (≥ seconds: held to the end).", minimum: 0, maximum: 60, default: 3, unit: "s", distribution: false }),
  sample_rate: integer({ description: "Render rate; filled with the pipeline's sample_rate.", minimum: 8000, maximum: 192000, default: 44100, unit: "Hz", distribution: false }),
  splits: object(
    {
      train: array(string({ description: "bank name", minLength: 1 }), { description: "Banks whose clips are marked train." }),
      val: array(string({ description: "bank name", minLength: 1 }), { description: "Banks whose clips are marked val." }),
      test: array(string({ description: "bank name", minLength: 1 }), { description: "Banks whose clips are marked test." })
    },
    { description: "Split by bank: clips of the listed banks get that split (keep them with dataset.split by = \"source\"); banks not listed are train." }
  ),
  render_splits: array(oneOf(["train", "val", "test"], { description: "A split" }), {
    description:
      'Render only the presets of these splits (by `splits`), e.g. ["test"] to render the held-out banks with the real plugin; preset ids stay those of the whole set.',
    minItems: 1
  }),
  around: object(
    {
      count: integer({ description: "Number of presets drawn around the training presets.", minimum: 1, maximum: 1_000_000, distribution: false }),
      spread: number({ description: "Standard deviation of the Gaussian step of each continuous parameter (normalised units).", minimum: 0, maximum: 1, default: 0.05, distribution: false }),
      switch: number({ description: "Probability that a stepped parameter (enum, switch, octave, semitone) is redrawn.", minimum: 0, maximum: 1, default: 0.1, distribution: false })
    },
    {
      required: ["count"],
      description:
        "With `banks`: also render `count` presets drawn around the training presets (those of banks not held out by `splits`, after `limit`) — more training material " +
        "with the factory banks' distribution. Their bank is \"around\", their split train; held-out banks never seed them."
    }
  )
})

/** Render a preset × note × velocity grid with the chosen engine. */
export const sourceSynth: StageDefinition<SynthSourceParams> = {
  uses: "source.synth",
  // 2: the synth.preset_key and synth.note_off_s labels; WAVs with the cbSize field
  version: 2,
  description:
    "Renders synth presets × notes × velocities into an AudioSet (mono, one note each): presets sampled over amsynth's 41 parameters or read from " +
    "amsynth banks / VST .fxp/.fxb files; engine \"audioml\" (our renderer) or \"amsynth\" (the real plugin). Every parameter is a label: synth.<param> " +
    "(raw), synth.<param>.norm ([0, 1]), synth.<param>.<unit>, synth.<param>.name (enums); plus synth.preset, synth.bank, synth.preset_id, synth.preset_key (same sound, same key), note, velocity, synth.note_off_s (note-off time, s).",
  params,
  inputs: {},
  output: AUDIO_SET,
  // Preset files (and the real plugin) are part of the cache key: editing a bank reruns the source.
  externalPaths: (p) => {
    const banks = (p.banks ?? []).flatMap((b): string[] => {
      if (b !== FACTORY_BANKS) return [/[*?]/.test(b) ? dirname(b) : b]
      const dir = findAmsynthBankDir()
      return dir === undefined ? [] : [dir]
    })
    const found = p.engine === "amsynth" ? (p.plugin ?? findAmsynthPlugin()) : undefined
    return found === undefined ? banks : [...banks, found]
  },
  run: (p, _inputs, ctx) =>
    promiseStage(ctx, async () => {
      if ((p.presets === undefined) === (p.banks === undefined)) throw new Error("source.synth: give exactly one of `presets` (sampled) or `banks` (preset files)")
      if (p.presets?.fixed !== undefined) validateFixed(p.presets.fixed, "presets.fixed")
      const paramMap = p.param_map ?? amsynthVstParamMap
      if (p.param_map !== undefined) validateParamMap(p.param_map, "param_map")
      const plugin = p.engine === "amsynth" ? resolveAmsynthPlugin(p.plugin === undefined ? undefined : isAbsolute(p.plugin) ? p.plugin : resolve(ctx.configDir, p.plugin)) : undefined

      const root = ctx.rng()
      let presets: SynthPreset[]
      if (p.presets !== undefined) {
        const rng = root.fork("presets")
        presets = samplePresets(p.presets, () => rng.next())
      } else {
        presets = p.banks!.flatMap((entry, i) => expandPresetPaths(entry, ctx.configDir, `banks[${i}]`)).flatMap((file) => [...readPresetFile(file, paramMap)])
        if (presets.length === 0) throw new Error("source.synth: the preset files hold no presets")
      }
      // ids before any subset, so a preset keeps its id whatever `limit` is
      const counters = new Map<string, number>()
      let indexed = presets.map((preset) => {
        const bank = preset.bank ?? "presets"
        const n = counters.get(bank) ?? 0
        counters.set(bank, n + 1)
        return { preset, id: `${bank}/${String(n).padStart(3, "0")}` }
      })
      const knownBanks = new Set(indexed.map((x) => x.preset.bank ?? ""))
      if (p.limit !== undefined && p.limit < indexed.length) {
        const keep = new Set(root.fork("limit").shuffle(indexed.map((_, i) => i)).slice(0, p.limit))
        indexed = indexed.filter((_, i) => keep.has(i))
      }
      const splitOf = new Map<string, Split>()
      for (const split of ["train", "val", "test"] as const) for (const bank of p.splits?.[split] ?? []) splitOf.set(bank, split)
      for (const bank of splitOf.keys()) if (!knownBanks.has(bank)) throw new Error(`source.synth: splits names bank "${bank}", which is not among the presets' banks (${[...knownBanks].slice(0, 8).join(", ")}…)`)
      if (p.around !== undefined) {
        if (p.banks === undefined) throw new Error("source.synth: `around` draws presets around those of `banks`; give `banks`")
        const bases = indexed.filter((x) => (splitOf.get(x.preset.bank ?? "") ?? "train") === "train").map((x) => x.preset)
        const drawn = presetsAround(bases, p.around, root.fork("around"))
        indexed = [...indexed, ...drawn.map((preset, i) => ({ preset, id: `around/${String(i).padStart(String(Math.max(0, drawn.length - 1)).length, "0")}` }))]
        splitOf.set("around", "train")
      }

      if (p.render_splits !== undefined) {
        const keep = new Set(p.render_splits)
        indexed = indexed.filter((x) => keep.has(splitOf.get(x.preset.bank ?? "") ?? "train"))
        if (indexed.length === 0) throw new Error(`source.synth: no preset is in render_splits (${p.render_splits.join(", ")})`)
      }
      const total = indexed.length * p.notes.length * p.velocities.length
      ctx.progress.start(total, "renders")
      const notes = indexed.flatMap(({ preset, id }) => {
        const labels = presetLabels(preset, id)
        const split = splitOf.get(preset.bank ?? "") ?? (p.splits !== undefined ? "train" : undefined)
        return p.notes.flatMap((note) =>
          p.velocities.map((velocity) => {
            const clipId = `${id}-n${note}-v${velocity}`
            const task: RenderTask = { values: preset.values, options: { sampleRate: p.sample_rate, seconds: p.seconds, noteSeconds: p.note_seconds, note, velocity, seed: root.fork(clipId).seed } }
            return { labels, split, clipId, note, velocity, task }
          })
        )
      })
      const onDone = (done: number) => ctx.progress.update(done)
      // our renderer on every core (each note has its own seed: the same bytes in any thread);
      // the plugin in this thread, one instance
      const audio =
        plugin !== undefined
          ? notes.map((n, i) => {
              const a = renderNoteWithAmsynth(n.task.values, { ...n.task.options, plugin })
              onDone(i + 1)
              return a
            })
          : (await mapInOrder(new URL("./source-synth/render-worker.js", import.meta.url), notes.map((n) => n.task), renderTask, { onDone })).results
      let silent = 0
      const clips: Clip[] = notes.map((n, i) => {
        const a = audio[i]!
        if (!a.some((v) => v !== 0)) silent++
        return { id: n.clipId, audio: monoSignal(p.sample_rate, a), labels: { ...n.labels, note: n.note, velocity: n.velocity, "synth.note_off_s": p.note_seconds, "synth.engine": p.engine }, ...(n.split !== undefined ? { split: n.split } : {}) }
      })
      ctx.report({ presets: indexed.length, renders: total, silent_renders: silent, engine: p.engine, parameters: synthParams.length, banks: [...new Set(indexed.map((x) => x.preset.bank ?? ""))] })
      return encodeAudioSet({ clips })
    })
}

/**
 * amsynth's text preset formats.
 *
 * A bank file (`*.amSynth.bank`, as amsynth's PresetController writes it):
 * ```
 * amSynth
 * <preset> <name> basic11
 * <parameter> amp_attack 0.0333333
 * ...
 * EOF
 * ```
 * A single-preset state (amsynth's VST chunk, Synthesizer::getState) starts with
 * `amSynth1.0preset`, holds one `<preset>` and may add `<property> key value` lines.
 * Values are raw preset values (see ../params.ts); a parameter a preset does not list
 * keeps its default, as in amsynth.
 */
import { basename } from "node:path"
import { readFileSync, renameSync, writeFileSync } from "node:fs"
import { FileFormatError } from "../../errors/audioml-error.js"
import { defaultPresetValues, synthParamByName, synthParams, type SynthPreset } from "../params.js"

/** First line of a bank file. */
export const BANK_HEADER = "amSynth"
/** First token of a single-preset state (amsynth's VST chunk). */
export const PRESET_STATE_HEADER = "amSynth1.0preset"

/** What a parse kept aside: parameter names this table does not know, and `<property>` lines. */
export interface ParsedPresetText {
  readonly presets: ReadonlyArray<SynthPreset>
  /** `<parameter>` names not in amsynth 1.13's table (skipped, as amsynth does). */
  readonly unknownParameters: ReadonlyArray<string>
  /** `<property> key value` lines of a preset state. */
  readonly properties: Readonly<Record<string, string>>
}

/** Bank name of a file: its base name without `.amSynth.bank` / `.bank`. */
export const bankNameOf = (file: string): string => basename(file).replace(/(\.amSynth)?\.bank$/i, "")

/**
 * Parse the text of a bank (`amSynth` … `EOF`) or a preset state (`amSynth1.0preset`).
 * `file` names the source in errors. Throws FileFormatError on a wrong header, a
 * parameter line before any preset, a value that is not a finite number, or a bank
 * without its closing `EOF` line (a truncated file).
 */
export const parseAmsynthText = (text: string, file: string, bank?: string): ParsedPresetText => {
  const lines = text.split(/\r?\n/)
  const header = lines[0]?.trim() ?? ""
  const isBank = header === BANK_HEADER
  const isState = header.split(/\s+/)[0] === PRESET_STATE_HEADER
  if (!isBank && !isState) {
    const shown = JSON.stringify(header.slice(0, 32))
    throw FileFormatError.of(file, `not an amsynth bank or preset: the first line is ${shown}, expected "${BANK_HEADER}" (bank) or "${PRESET_STATE_HEADER}" (preset state)`)
  }
  const presets: SynthPreset[] = []
  const unknown = new Set<string>()
  const properties: Record<string, string> = {}
  let current: { name: string; values: Float64Array } | undefined
  let sawEof = false
  const flush = () => {
    if (current !== undefined) presets.push({ name: current.name, values: current.values, ...(bank !== undefined ? { bank } : {}) })
    current = undefined
  }
  // A state's first line may carry the <preset> too (amsynth reads it as whitespace-separated tokens).
  const body = isState ? [lines[0]!.trim().slice(PRESET_STATE_HEADER.length).trim(), ...lines.slice(1)] : lines.slice(1)
  body.forEach((raw, i) => {
    const lineNo = i + 2
    const line = raw.replace(/^\s+/, "")
    if (line === "") return
    if (line === "EOF") {
      sawEof = true
      return
    }
    if (sawEof) throw FileFormatError.of(file, `line ${lineNo}: text after the EOF line`)
    if (line.startsWith("<preset>")) {
      const m = /^<preset>\s+<name>\s?(.*)$/.exec(line)
      if (m === null) throw FileFormatError.of(file, `line ${lineNo}: expected "<preset> <name> NAME", got ${JSON.stringify(line.slice(0, 60))}`)
      flush()
      current = { name: m[1]!, values: defaultPresetValues() }
      return
    }
    if (line.startsWith("<parameter>")) {
      const parts = line.trim().split(/\s+/)
      if (parts.length !== 3) throw FileFormatError.of(file, `line ${lineNo}: expected "<parameter> NAME VALUE", got ${JSON.stringify(line.slice(0, 60))} (truncated file?)`)
      if (current === undefined) throw FileFormatError.of(file, `line ${lineNo}: <parameter> before any <preset>`)
      const name = parts[1]!
      const value = Number(parts[2])
      if (!Number.isFinite(value)) throw FileFormatError.of(file, `line ${lineNo}: parameter ${name} has value ${JSON.stringify(parts[2])}, not a finite number`)
      const spec = synthParamByName(name)
      if (spec === undefined) unknown.add(name)
      else current.values[spec.index] = value
      return
    }
    if (line.startsWith("<property>") && isState) {
      const m = /^<property>\s+(\S+)\s?(.*)$/.exec(line)
      if (m !== null) properties[m[1]!] = m[2]!
      return
    }
    throw FileFormatError.of(file, `line ${lineNo}: unexpected line ${JSON.stringify(line.slice(0, 60))}`)
  })
  flush()
  if (isBank && !sawEof) throw FileFormatError.of(file, `no closing "EOF" line: the bank is truncated (read ${presets.length} presets)`)
  if (isState && presets.length !== 1) throw FileFormatError.of(file, `a preset state holds one <preset>, found ${presets.length}`)
  return { presets, unknownParameters: [...unknown], properties }
}

/** Read a bank file; presets carry the bank name (see `bankNameOf`). */
export const readAmsynthBank = (file: string): ReadonlyArray<SynthPreset> => {
  let text: string
  try {
    text = readFileSync(file, "latin1")
  } catch (e) {
    throw FileFormatError.of(file, `cannot read: ${(e as Error).message}`)
  }
  return parseAmsynthText(text, file, bankNameOf(file)).presets
}

const presetLines = (preset: SynthPreset): string[] => [
  `<preset> <name> ${preset.name}`,
  ...synthParams.map((p) => `<parameter> ${p.name} ${formatValue(preset.values[p.index]!)}`)
]

// Shortest text that reads back to the same number; amsynth itself prints 6 significant digits.
const formatValue = (v: number): string => (Object.is(v, -0) ? "0" : String(v))

/** Bank text amsynth reads: header, every preset with all 41 parameters, `EOF`. */
export const formatAmsynthBank = (presets: ReadonlyArray<SynthPreset>): string => {
  presets.forEach((p) => {
    if (/[\r\n]/.test(p.name)) throw FileFormatError.of(`preset "${p.name}"`, "a preset name cannot contain a line break")
  })
  return [BANK_HEADER, ...presets.flatMap(presetLines), "EOF", ""].join("\n")
}

/** A single-preset state as amsynth's VST chunk holds it (`amSynth1.0preset` …). */
export const formatAmsynthPresetState = (preset: SynthPreset): string => [PRESET_STATE_HEADER, ...presetLines(preset), ""].join("\n")

/** Write a bank file atomically (temp file, then rename), so a failed write leaves no half file. */
export const writeAmsynthBank = (file: string, presets: ReadonlyArray<SynthPreset>): void => {
  const text = formatAmsynthBank(presets)
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, text, "latin1")
  renameSync(tmp, file)
}

import type { Labels, LabelValue } from "../../params/labels.js"
import { baseName } from "./pair-files.js"
import { DataError, ParameterError } from "../../errors/audioml-error.js"

export type NameParamType = "number" | "integer" | "string" | "boolean"

/**
 * `params_from_name`: a regex with named groups run on a file name (without folders);
 * each group becomes a label of the given type (number unless `types` says otherwise).
 * e.g. pattern "_drive(?<drive>[0-9.]+)_tone(?<tone>[0-9.]+)" on "amp_drive7.5_tone3.wav"
 * gives { drive: 7.5, tone: 3 }.
 */
export interface NameParamsSpec {
  readonly pattern: string
  readonly file: "input" | "target"
  readonly types?: Readonly<Record<string, NameParamType>>
}

export interface CompiledNameParams {
  readonly spec: NameParamsSpec
  readonly regex: RegExp
  readonly groups: ReadonlyArray<string>
}

export const compileNameParams = (spec: NameParamsSpec): CompiledNameParams => {
  let regex: RegExp
  try {
    regex = new RegExp(spec.pattern)
  } catch (e) {
    throw new ParameterError({ parameter: "params_from_name.pattern", message: `params_from_name.pattern is not a valid regular expression: ${(e as Error).message}` })
  }
  const groups = [...spec.pattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!)
  if (groups.length === 0) throw new ParameterError({ parameter: "params_from_name.pattern", message: `params_from_name.pattern has no named group such as (?<drive>[0-9.]+)` })
  for (const name of Object.keys(spec.types ?? {}))
    if (!groups.includes(name)) throw new DataError({ message: `params_from_name.types.${name}: the pattern has no group named "${name}" (groups: ${groups.join(", ")})` })
  return { spec, regex, groups }
}

const convert = (raw: string, type: NameParamType, group: string, file: string): LabelValue => {
  switch (type) {
    case "string":
      return raw
    case "boolean": {
      const v = raw.toLowerCase()
      if (["1", "true", "yes", "on"].includes(v)) return true
      if (["0", "false", "no", "off"].includes(v)) return false
      throw new DataError({ message: `${file}: group "${group}" = "${raw}" is not a boolean (true/false/1/0/yes/no/on/off)` })
    }
    case "number":
    case "integer": {
      const x = Number(raw)
      if (raw.trim() === "" || !Number.isFinite(x) || (type === "integer" && !Number.isInteger(x)))
        throw new DataError({ message: `${file}: group "${group}" = "${raw}" is not ${type === "integer" ? "an integer" : "a number"}` })
      return x
    }
  }
}

/** Labels from one file name; an error naming the file if the pattern does not match. */
export const labelsFromName = (compiled: CompiledNameParams, file: string): Labels => {
  const m = compiled.regex.exec(baseName(file))
  if (m === null) throw new DataError({ message: `${file}: name does not match params_from_name.pattern /${compiled.spec.pattern}/` })
  const labels: Record<string, LabelValue> = {}
  for (const group of compiled.groups) {
    const raw = m.groups?.[group]
    if (raw === undefined) continue // optional group that did not take part
    labels[group] = convert(raw, compiled.spec.types?.[group] ?? "number", group, file)
  }
  return labels
}

import { isAbsolute, resolve } from "node:path"
import { ParameterError } from "../../errors/audioml-error.js"

/** How circuit.spice connects to a user's netlist. */
export interface NetlistBinding {
  /** Node the audio drives (against ground); nothing else in the netlist may drive it. */
  readonly inputNode: string
  /** Node whose voltage (against ground) is the effect's output. */
  readonly outputNode: string
  /** New values for `.param` definitions of the netlist, by name. */
  readonly params: Readonly<Record<string, number>>
  /** Folder that relative `.include` / `.lib` paths are relative to (made absolute: the simulation runs elsewhere). */
  readonly baseDir: string
}

/** Dot commands that circuit.spice supplies itself (the analysis and its output) and a netlist must not carry. */
const OWN_COMMANDS = /^\.(tran|ac|dc|op|noise|tf|pz|disto|sens|four|fourier|control|endc|print|plot|probe|save|meas|measure|width)\b/i

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Tokens that can be node names on the element lines (not dot commands, not comments). */
const elementTokens = (lines: ReadonlyArray<string>): Set<string> => {
  const tokens = new Set<string>()
  for (const line of lines) {
    const s = line.trim()
    if (s === "" || s.startsWith("*") || s.startsWith(".")) continue
    const code = s.replace(/(;|\$ ).*$/, "")
    for (const t of code.split(/[\s(),=]+/)) if (t !== "" && t !== "+") tokens.add(t.toLowerCase())
  }
  return tokens
}

const formatValue = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(12).replace(/\.?0+(e|$)/, "$1"))

/**
 * Check a user's SPICE netlist and prepare it for circuit.spice: the text must be a
 * circuit (title line first, as in every SPICE file) without analyses, `.control` blocks
 * or output commands, which circuit.spice adds itself; a final `.end` and anything after
 * it are dropped. Each entry of `binding.params` replaces the value of the netlist's
 * `.param <name> = ...` (so `.param drive = 0.5` becomes a knob); a name the netlist does
 * not declare is an error, as is an input or output node that no element line mentions.
 * Relative `.include` / `.lib` paths are made absolute against `binding.baseDir`.
 * Line numbers are kept (nothing is inserted before the circuit's last line), so
 * ngspice's messages point at the user's own lines.
 *
 * @param text the netlist's text
 * @param name the netlist's name in messages (its path, or `netlist_text`)
 * @returns the circuit text to hand to audio/ngspice.ts
 * @example
 *   prepareNetlist("RC\n.param rr=1k\nR1 in out {rr}\nC1 out 0 1u\n.end\n", "rc.cir",
 *     { inputNode: "in", outputNode: "out", params: { rr: 2200 }, baseDir: "." }) // "RC\n.param rr=2200\nR1 in out {rr}\nC1 out 0 1u"
 */
export const prepareNetlist = (text: string, name: string, binding: NetlistBinding): string => {
  const all = text.replace(/\r\n?/g, "\n").split("\n")
  if (all.every((l) => l.trim() === "")) throw ParameterError.of("netlist", `${name} is empty`)
  const endAt = all.findIndex((l, i) => i > 0 && /^\s*\.end\s*$/i.test(l))
  const lines = endAt < 0 ? all : all.slice(0, endAt)
  lines.forEach((l, i) => {
    if (i === 0) return
    const m = OWN_COMMANDS.exec(l.trim())
    if (m !== null) {
      throw ParameterError.of(
        "netlist",
        `${name} line ${i + 1}: remove "${m[0]}": circuit.spice runs its own transient analysis at the audio's sample rate and reads the output node itself`
      )
    }
  })
  const tokens = elementTokens(lines.slice(1))
  for (const [key, node] of [["input_node", binding.inputNode], ["output_node", binding.outputNode]] as const) {
    if (node === "0" || node.toLowerCase() === "gnd") throw ParameterError.of(key, `"${node}" is ground; name the circuit's ${key === "input_node" ? "input" : "output"} node`)
    if (!tokens.has(node.toLowerCase())) throw ParameterError.of(key, `node "${node}" does not appear on any element line of ${name}`)
  }
  const declared = new Set<string>()
  for (const l of lines) if (/^\s*\.param\b/i.test(l)) for (const m of l.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=/g)) declared.add(m[1]!.toLowerCase())
  const out = lines.map((l, i) => {
    const inc = i === 0 ? null : /^(\s*\.(?:include|inc|lib)\s+)("?)([^"\s]+)("?)(.*)$/i.exec(l)
    return inc === null || isAbsolute(inc[3]!) ? l : `${inc[1]}"${resolve(binding.baseDir, inc[3]!)}"${inc[5]}`
  })
  for (const key of Object.keys(binding.params).sort()) {
    const value = binding.params[key]!
    if (!NAME.test(key)) throw ParameterError.of(`params.${key}`, "is not a SPICE parameter name (letters, digits and _, not starting with a digit)")
    if (!Number.isFinite(value)) throw ParameterError.of(`params.${key}`, `must be a finite number (got ${value})`)
    if (!declared.has(key.toLowerCase())) {
      const known = [...declared].sort()
      throw ParameterError.of(
        `params.${key}`,
        `${name} declares no ".param ${key} = ..." to set${known.length > 0 ? `; it declares: ${known.join(", ")}` : " (it has no .param lines)"}`
      )
    }
    const pattern = new RegExp(`(^|[\\s,])(${key})(\\s*=\\s*)(\\{[^}]*\\}|'[^']*'|[^\\s,]+)`, "i")
    for (let i = 1; i < out.length; i++) {
      if (/^\s*\.param\b/i.test(out[i]!) && pattern.test(out[i]!)) out[i] = out[i]!.replace(pattern, (_m, pre: string, k: string, eq: string) => `${pre}${k}${eq}${formatValue(value)}`)
    }
  }
  return out.join("\n")
}

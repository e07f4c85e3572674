import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FileFormatError, PluginError } from "../errors/audioml-error.js"

/** What to simulate: a circuit deck and the samples to drive its input node with. */
export interface NgspiceTransientRun {
  /**
   * The circuit as SPICE text, title line first, without analyses, `.control` blocks or
   * `.end`, with absolute `.include` / `.lib` paths: ngspice runs in a temporary folder
   * (see effects/circuit/netlist.ts, which checks and prepares a user's netlist).
   */
  readonly circuit: string
  /** The netlist's name in messages (its path, or "netlist_text"). */
  readonly name: string
  /** Node driven (against ground) by the samples, through XSPICE `filesource`. */
  readonly inputNode: string
  /** Node whose voltage (against ground) is read back. */
  readonly outputNode: string
  /** Input voltage at t = i * step, in volts; linear in between (filesource's reading). */
  readonly input: Float64Array
  /** Time between input samples and the simulation's maximum time step, in seconds. */
  readonly step: number
  /** The ngspice executable (default: the AUDIOML_NGSPICE environment variable, else `ngspice` on PATH). */
  readonly binary?: string
}

/** The simulator's own time points (on the samples' clock: sample i at i * step, the first at -step) and the output node's voltage at each. */
export interface NgspiceTransientResult {
  readonly times: Float64Array
  readonly values: Float64Array
}

const INSTALL_HINT = "install it with `apt-get install ngspice` (Debian/Ubuntu; `brew install ngspice` on macOS)"

/**
 * Run one transient analysis of `run.circuit` in ngspice's batch mode (`ngspice -b`): the
 * input samples go in through the XSPICE `filesource` code model (a two-column text file of
 * integers, scaled back by its `timescale` and `amplscale`,
 * read progressively, which stays linear in the length where an inline PWL source does
 * not), the analysis is `.tran step T 0 step` (the maximum step is the input's sample
 * spacing, so the simulator's points are at least as dense as the input), and the output
 * node's voltage comes back through a binary raw file, at the simulator's own time points
 * (not on the sample grid: see dsp/uniform-grid.ts). The circuit starts at rest: its DC
 * operating point is solved with the input at 0 V one step before the first sample, so a
 * signal that starts mid-waveform meets a step, as in the per-sample circuit models.
 *
 * Every call works in its own fresh temporary folder (mkdtemp), removed afterwards whether
 * the run succeeds or not, so concurrent calls and processes never share a file.
 *
 * Throws PluginError when the ngspice executable is missing (saying how to install it)
 * and FileFormatError naming `run.name` with ngspice's own error lines when the
 * simulation fails (a bad netlist, an unknown model, a node that does not exist).
 */
export const runNgspiceTransient = (run: NgspiceTransientRun): NgspiceTransientResult => {
  const binary = run.binary ?? process.env["AUDIOML_NGSPICE"] ?? "ngspice"
  const dir = mkdtempSync(join(tmpdir(), "audioml-ngspice-"))
  try {
    const inputFile = join(dir, "input.txt")
    const rawFile = join(dir, "output.raw")
    const deckFile = join(dir, "deck.cir")
    const n = run.input.length
    const { bytes, amplitudeScale } = filesourceText(run.input)
    writeFileSync(inputFile, bytes)
    // the file's point k is at time k * step: 0 V at k = 0, then sample i at k = i + 1
    const stop = n * run.step
    const deck = [
      run.circuit.replace(/\s+$/, ""),
      "* --- added by audioml circuit.spice ---",
      `a_audioml_input %v([${run.inputNode}]) audioml_input_source`,
      // relative names: ngspice lowercases the netlist, quoted file names included
      `.model audioml_input_source filesource (file="input.txt" amploffset=[0] amplscale=[${amplitudeScale}] timeoffset=0 timescale=${run.step} timerelative=false amplstep=false)`,
      `.tran ${run.step.toPrecision(15)} ${stop.toPrecision(15)} 0 ${run.step.toPrecision(15)}`,
      ".control",
      "set filetype=binary",
      // keep only the output's vector in memory (all node voltages by default)
      `save v(${run.outputNode})`,
      "run",
      `write output.raw v(${run.outputNode})`,
      "quit",
      ".endc",
      ".end",
      ""
    ].join("\n")
    writeFileSync(deckFile, deck)
    const r = spawnSync(binary, ["-b", deckFile], { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 })
    if (r.error !== undefined) {
      const code = (r.error as NodeJS.ErrnoException).code
      if (code === "ENOENT") throw new PluginError({ message: `circuit.spice: the ngspice executable ("${binary}") was not found; ${INSTALL_HINT}` })
      throw new PluginError({ message: `circuit.spice: could not run ngspice ("${binary}"): ${r.error.message}` })
    }
    const log = `${r.stdout ?? ""}\n${r.stderr ?? ""}`
    let raw: Buffer | undefined
    try {
      raw = readFileSync(rawFile)
    } catch {
      raw = undefined
    }
    if (r.status !== 0 || raw === undefined) {
      throw FileFormatError.of(run.name, `ngspice failed (exit ${r.status ?? r.signal}): ${ngspiceErrors(log)}`)
    }
    const result = parseRaw(raw, run.name, log)
    // back to the samples' clock: sample i at time i * step, the resting start one step before it
    for (let p = 0; p < result.times.length; p++) result.times[p]! -= run.step
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Append the decimal digits of the integer `x` (|x| < 2^53) to `buf` at `pos`; returns the new end. */
const writeInteger = (buf: Uint8Array, pos: number, x: number): number => {
  if (x < 0) {
    buf[pos++] = 45 // "-"
    x = -x
  }
  if (x === 0) {
    buf[pos++] = 48
    return pos
  }
  const start = pos
  while (x > 0) {
    const d = x % 10
    buf[pos++] = 48 + d
    x = (x - d) / 10
  }
  for (let a = start, b = pos - 1; a < b; a++, b--) {
    const t = buf[a]!
    buf[a] = buf[b]!
    buf[b] = t
  }
  return pos
}

/**
 * The filesource file for `input`: line k is "k q" in integers, read back by ngspice as
 * time k * timescale and value q * amplscale (q = 0 at k = 0, then the samples from k = 1) with amplscale = 2^-k, chosen so the largest
 * |value| is about 2^40 (a resolution of 1e-12 of the peak, exact in binary). Written digit
 * by digit: formatting a million floats through toPrecision took seconds.
 */
const filesourceText = (input: Float64Array): { bytes: Uint8Array; amplitudeScale: string } => {
  let peak = 0
  for (let i = 0; i < input.length; i++) peak = Math.max(peak, Math.abs(input[i]!))
  const k = peak > 0 ? 40 - Math.ceil(Math.log2(peak)) : 0
  const scale = 2 ** k
  // per line: the index's digits, a space, a sign and at most 14 digits (|q| <= 2^41), a newline
  const buf = new Uint8Array((input.length + 2) * (String(input.length + 1).length + 17) + 16)
  let pos = 0
  // 0 V first (the operating point is solved with the input at rest), then the samples, then
  // the last sample once more (a last point past the analysis' end)
  const last = input.length + 1
  for (let k = 0; k <= last; k++) {
    pos = writeInteger(buf, pos, k)
    buf[pos++] = 32
    pos = writeInteger(buf, pos, k === 0 ? 0 : Math.round(input[Math.min(k, input.length) - 1]! * scale))
    buf[pos++] = 10
  }
  return { bytes: buf.subarray(0, pos), amplitudeScale: String(2 ** -k) }
}

/** ngspice's error lines (and the line after each, which quotes the netlist line), or the log's tail. */
const ngspiceErrors = (log: string): string => {
  const lines = log.split("\n").map((l) => l.trimEnd())
  const picked: string[] = []
  lines.forEach((l, i) => {
    if (/error|can't find|cannot|unknown|not found|singular|too small|aborted/i.test(l) && !/^\s*$/.test(l)) {
      picked.push(l.trim())
      const next = lines[i + 1]
      if (next !== undefined && /^\s+\S/.test(next)) picked.push(next.trim())
    }
  })
  const chosen = picked.length > 0 ? picked : lines.filter((l) => l.trim() !== "").slice(-8).map((l) => l.trim())
  return [...new Set(chosen)].slice(0, 16).join("; ")
}

/** Parse a one-plot binary raw file with real vectors time and one voltage. */
const parseRaw = (raw: Buffer, name: string, log: string): NgspiceTransientResult => {
  const marker = raw.indexOf("Binary:\n")
  if (marker < 0) throw FileFormatError.of(name, `ngspice wrote no binary raw output: ${ngspiceErrors(log)}`)
  const header = raw.subarray(0, marker).toString("latin1")
  const field = (key: string): string | undefined => new RegExp(`^${key}:\\s*(.*)$`, "m").exec(header)?.[1]?.trim()
  const vars = Number(field("No. Variables"))
  const points = Number(field("No. Points"))
  const flags = field("Flags") ?? ""
  if (!/real/.test(flags) || vars !== 2 || !(points > 0)) {
    throw FileFormatError.of(name, `ngspice's output is not one real voltage over time (flags "${flags}", ${vars} variables, ${points} points): ${ngspiceErrors(log)}`)
  }
  const start = marker + "Binary:\n".length
  if (raw.length < start + points * vars * 8) throw FileFormatError.of(name, `ngspice's raw output is truncated (${points} points announced)`)
  const data = new Float64Array(points * vars)
  for (let k = 0; k < data.length; k++) data[k] = raw.readDoubleLE(start + 8 * k)
  const times = new Float64Array(points)
  const values = new Float64Array(points)
  for (let p = 0; p < points; p++) {
    times[p] = data[2 * p]!
    values[p] = data[2 * p + 1]!
  }
  return { times, values }
}

/** The text of a netlist file; FileFormatError naming the `netlist` parameter and the path when it cannot be read. */
export const readNetlist = (path: string): string => {
  try {
    return readFileSync(path, "utf8")
  } catch (e) {
    throw FileFormatError.of(path, `netlist: cannot read the netlist file (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
  }
}

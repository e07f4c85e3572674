import { dirname } from "node:path"
import { Oversampler, type OversampleFactor } from "../../dsp/oversample.js"
import { onUniformGrid } from "../../dsp/uniform-grid.js"
import { readNetlist, runNgspiceTransient } from "../../audio/ngspice.js"
import { ParameterError } from "../../errors/audioml-error.js"
import { number, object, oneOf, record, string } from "../../params/schema.js"
import type { EffectDefinition } from "../effect-definition.js"
import { prepareNetlist } from "./netlist.js"

/** circuit.spice's parameters, defaults filled (see the schema in {@link circuitSpice} for units and defaults). */
export interface SpiceParams {
  readonly netlist?: string
  readonly netlist_text?: string
  readonly input_node: string
  readonly output_node: string
  readonly params: Readonly<Record<string, number>>
  readonly full_scale_v: number
  readonly output_full_scale_v?: number
  readonly oversample: OversampleFactor
}

/**
 * `circuit.spice`: run the audio through a SPICE netlist in ngspice (Debian package
 * `ngspice`), so any published pedal or amp schematic becomes an effect.
 *
 * How the samples meet the simulator (band-limited on both sides):
 * 1. The input is upsampled by `oversample` with the half-band filters of dsp/oversample.ts
 *    and scaled to volts (sample 1.0 = `full_scale_v`); those points drive `input_node`
 *    through XSPICE `filesource`, linear between points.
 * 2. ngspice runs `.tran` with its maximum time step equal to the upsampled spacing. Its
 *    own step control still places points off that grid (it starts with tiny steps and
 *    cuts steps around sharp bends), so the step is not forced: the output is read on the
 *    upsampled grid by cubic interpolation of the simulator's points (dsp/uniform-grid.ts,
 *    error falling as h^4), then
 * 3. brought down to the sample rate by the same half-band filters (latency compensated),
 *    which remove what the circuit made above the audio band instead of letting it alias.
 *
 * The netlist's text (from the `netlist` file, or `netlist_text`) is the circuit only:
 * title line first, no analyses or `.control` (see netlist.ts). Relative `.include`s
 * resolve against the netlist file's folder (the working directory for `netlist_text`).
 * The circuit starts from its DC operating point with the input at 0 V, one grid step
 * before the first sample.
 *
 * @returns the output samples (volts at `output_node` / `output_full_scale_v`), the input's length
 */
export const spiceProcess = (input: Float32Array, sampleRate: number, p: SpiceParams): Float32Array => {
  const hasFile = p.netlist !== undefined
  const hasText = p.netlist_text !== undefined
  if (hasFile === hasText) throw ParameterError.of("netlist", "give exactly one of `netlist` (a .cir file) and `netlist_text` (the netlist itself)")
  const name = hasFile ? p.netlist! : "netlist_text"
  const text = hasFile ? readNetlist(p.netlist!) : p.netlist_text!
  const baseDir = hasFile ? dirname(p.netlist!) : process.cwd()
  const circuit = prepareNetlist(text, name, { inputNode: p.input_node, outputNode: p.output_node, params: p.params, baseDir })
  if (input.length === 0) return new Float32Array(0)
  const inScale = p.full_scale_v
  const outScale = 1 / (p.output_full_scale_v ?? p.full_scale_v)
  const os = new Oversampler(p.oversample)
  // pass 1: the upsampled input, exactly as the oversampler's blocks present it
  const blocks: Float64Array[] = []
  os.run(input, sampleRate, (block, length) => {
    blocks.push(Float64Array.from(block.subarray(0, length)))
  })
  let total = 0
  for (const b of blocks) total += b.length
  const drive = new Float64Array(total)
  let at = 0
  for (const b of blocks) {
    for (let i = 0; i < b.length; i++) drive[at + i] = inScale * b[i]!
    at += b.length
  }
  const step = 1 / (sampleRate * p.oversample)
  const result = runNgspiceTransient({
    circuit,
    name,
    inputNode: p.input_node,
    outputNode: p.output_node,
    input: drive,
    step
  })
  const wet = onUniformGrid(result.times, result.values, step, total)
  // pass 2: the same blocks, replaced by the circuit's output, filtered back down
  at = 0
  return os.run(input, sampleRate, (block, length) => {
    for (let i = 0; i < length; i++) block[i] = outScale * wet[at + i]!
    at += length
  })
}

const NODE = "^[A-Za-z0-9_]+$"

/**
 * The circuit.spice effect definition (see {@link spiceProcess}).
 *
 * @example
 *   chain = [ { uses = "circuit.spice", netlist = "circuits/sd1.cir", params = { drive = 0.5 }, full_scale_v = 0.5 } ]
 */
export const circuitSpice: EffectDefinition<SpiceParams> = {
  uses: "circuit.spice",
  description:
    "Run the audio through a SPICE netlist in ngspice (batch mode, XSPICE filesource input, band-limited reading of the output); `.param` values of the netlist are knobs.",
  params: object({
    netlist: string({ description: "path of the SPICE netlist (.cir): the circuit only, title line first; relative to the config file. Its content joins the cache key", minLength: 1 }),
    netlist_text: string({ description: "the netlist itself, instead of a `netlist` file", minLength: 1 }),
    input_node: string({ description: "node the audio drives (against ground) through an XSPICE filesource; leave it undriven in the netlist", default: "in", pattern: NODE }),
    output_node: string({ description: "node whose voltage (against ground) is the output", default: "out", pattern: NODE }),
    params: record(number({ description: "value for the netlist's `.param <name> = ...` (may be drawn from a distribution and becomes a label)" }), {
      description: "new values for the netlist's .param definitions, by name (e.g. { drive = 0.5 })",
      default: {}
    }),
    full_scale_v: number({ description: "volts at the input node for a sample of 1.0", unit: "V", exclusiveMinimum: 0, maximum: 1000, default: 1 }),
    output_full_scale_v: number({ description: "volts at the output node read as a sample of 1.0 (default: full_scale_v)", unit: "V", exclusiveMinimum: 0, maximum: 1000 }),
    oversample: oneOf([1, 2, 4, 8], {
      description: "simulate on a grid this many times finer than the sample rate (half-band filters in and out; the simulator's maximum step is that grid's spacing)",
      default: 2
    })
  }),
  process: (input, sampleRate, p) => spiceProcess(input, sampleRate, p)
}

/**
 * VST2 preset (`.fxp`) and bank (`.fxb`) files, read and written.
 *
 * Layout (Steinberg VST 2.4 SDK, vstfxstore.h; all integers and floats big-endian):
 * ```
 * 0  'CcnK'               chunk magic
 * 4  int32 byteSize       bytes that follow this field
 * 8  fxMagic              'FxCk' | 'FPCh' (preset)  or  'FxBk' | 'FBCh' (bank)
 * 12 int32 version        format version (1, or 2 for banks with currentProgram)
 * 16 fxID                 plugin id, 4 characters (amsynth: 'amsy')
 * 20 int32 fxVersion      plugin version
 * 24 int32 numParams      (preset) / numPrograms (bank)
 * preset: 28 char prgName[28]; FxCk: float32 params[numParams]; FPCh: int32 size, bytes
 * bank:   28 int32 currentProgram (v2) + 124 reserved bytes (v1: 128 reserved);
 *         FxBk: numPrograms whole 'CcnK' FxCk presets; FBCh: int32 size, bytes
 * ```
 * FxCk parameters are the plugin's normalised [0, 1] values in its own index order; see
 * `presetFromVstParams` for turning them into an amsynth preset with a name mapping.
 * Opaque chunks are returned as bytes; amsynth's own chunk (its preset text) is decoded.
 */
import { readFileSync } from "node:fs"
import { basename } from "node:path"
import { FileFormatError } from "../../errors/audioml-error.js"
import { parseAmsynthText, formatAmsynthPresetState } from "./amsynth-bank.js"
import { defaultPresetValues, denormalise, normalise, synthParamByName, synthParams, type SynthPreset } from "../params.js"

/** amsynth's VST2 unique id. */
export const AMSYNTH_FX_ID = "amsy"

/** One program of a `.fxp` file or of an `FxBk` bank. */
export interface VstProgram {
  readonly kind: "params" | "chunk"
  /** 4-character plugin id. */
  readonly fxId: string
  readonly fxVersion: number
  /** Program name (up to 27 characters, NUL-padded in the file). */
  readonly name: string
  /** Normalised parameter values (kind "params"). */
  readonly params?: Float32Array
  /** Opaque plugin state (kind "chunk"). */
  readonly chunk?: Uint8Array
  /** The chunk decoded, when it is amsynth's preset text. */
  readonly amsynth?: SynthPreset
}

/** A `.fxb` bank. */
export interface VstBank {
  readonly kind: "params" | "chunk"
  readonly fxId: string
  readonly fxVersion: number
  readonly version: number
  readonly currentProgram: number
  /** Programs (kind "params"). */
  readonly programs: ReadonlyArray<VstProgram>
  /** Opaque plugin state (kind "chunk"). */
  readonly chunk?: Uint8Array
  /** The chunk decoded, when it is amsynth's text (a bank or a preset state). */
  readonly amsynth?: ReadonlyArray<SynthPreset>
}

export type VstPresetFile = { readonly type: "fxp"; readonly program: VstProgram } | { readonly type: "fxb"; readonly bank: VstBank }

const PRESET_NAME_BYTES = 28
const BANK_RESERVED_BYTES = 128
const MAX_PARAMS = 1 << 16
const MAX_PROGRAMS = 1 << 14

/** Bounds-checked big-endian reader that names the file and the field in its errors. */
class Reader {
  pos = 0
  private readonly view: DataView
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly end: number = bytes.length
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  need(n: number, field: string): void {
    if (this.pos + n > this.end) {
      throw FileFormatError.of(this.file, `truncated: ${field} needs ${n} bytes at offset ${this.pos}, but the ${this.end === this.bytes.length ? "file" : "chunk"} ends at ${this.end}`)
    }
  }
  int32(field: string): number {
    this.need(4, field)
    const v = this.view.getInt32(this.pos, false)
    this.pos += 4
    return v
  }
  float32(field: string): number {
    this.need(4, field)
    const v = this.view.getFloat32(this.pos, false)
    this.pos += 4
    return v
  }
  tag(field: string): string {
    this.need(4, field)
    const s = String.fromCharCode(...this.bytes.subarray(this.pos, this.pos + 4))
    this.pos += 4
    return s
  }
  take(n: number, field: string): Uint8Array {
    this.need(n, field)
    const b = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }
}

const printable = (s: string): string => JSON.stringify(s)

const decodeAmsynthChunk = (chunk: Uint8Array, file: string): ReadonlyArray<SynthPreset> | undefined => {
  const text = new TextDecoder("latin1").decode(chunk)
  if (!text.startsWith("amSynth")) return undefined
  return parseAmsynthText(text.replace(/\0+$/, ""), `${file} (amsynth chunk)`).presets
}

/** The CcnK header; returns the fxMagic and the end offset the byteSize field declares. */
const readHeader = (r: Reader): { magic: string; end: number } => {
  const ccnk = r.tag("chunkMagic")
  if (ccnk !== "CcnK") throw FileFormatError.of(r.file, `not a VST preset or bank: magic is ${printable(ccnk)}, expected "CcnK"`)
  const size = r.int32("byteSize")
  const end = r.pos + size
  if (size < 0 || end > r.end) throw FileFormatError.of(r.file, `truncated: the header declares ${size} bytes after offset ${r.pos}, but only ${r.end - r.pos} are there`)
  const magic = r.tag("fxMagic")
  return { magic, end }
}

const readProgram = (r: Reader, expectMagic?: string): VstProgram => {
  const start = r.pos
  const { magic, end } = readHeader(r)
  if (magic !== "FxCk" && magic !== "FPCh") {
    throw FileFormatError.of(r.file, `program at offset ${start}: fxMagic is ${printable(magic)}, expected "FxCk" (parameters) or "FPCh" (opaque chunk)`)
  }
  if (expectMagic !== undefined && magic !== expectMagic) throw FileFormatError.of(r.file, `program at offset ${start}: fxMagic ${printable(magic)} inside an FxBk bank, expected "${expectMagic}"`)
  const inner = new Reader(r.bytes, r.file, end)
  inner.pos = r.pos
  inner.int32("version")
  const fxId = inner.tag("fxID")
  const fxVersion = inner.int32("fxVersion")
  const numParams = inner.int32("numParams")
  const nameBytes = inner.take(PRESET_NAME_BYTES, "prgName")
  const nul = nameBytes.indexOf(0)
  const name = new TextDecoder("latin1").decode(nameBytes.subarray(0, nul < 0 ? PRESET_NAME_BYTES : nul))
  let program: VstProgram
  if (magic === "FxCk") {
    if (numParams < 0 || numParams > MAX_PARAMS) throw FileFormatError.of(r.file, `numParams ${numParams} is out of range [0, ${MAX_PARAMS}]`)
    const params = new Float32Array(numParams)
    for (let i = 0; i < numParams; i++) params[i] = inner.float32(`param ${i} of ${numParams}`)
    program = { kind: "params", fxId, fxVersion, name, params }
  } else {
    const size = inner.int32("chunkSize")
    if (size < 0) throw FileFormatError.of(r.file, `chunkSize ${size} is negative`)
    const chunk = inner.take(size, "chunk").slice()
    const amsynth = decodeAmsynthChunk(chunk, r.file)?.[0]
    program = { kind: "chunk", fxId, fxVersion, name, chunk, ...(amsynth !== undefined ? { amsynth } : {}) }
  }
  r.pos = end
  return program
}

const readBank = (r: Reader): VstBank => {
  const { magic, end } = readHeader(r)
  const inner = new Reader(r.bytes, r.file, end)
  inner.pos = r.pos
  const version = inner.int32("version")
  const fxId = inner.tag("fxID")
  const fxVersion = inner.int32("fxVersion")
  const numPrograms = inner.int32("numPrograms")
  if (numPrograms < 0 || numPrograms > MAX_PROGRAMS) throw FileFormatError.of(r.file, `numPrograms ${numPrograms} is out of range [0, ${MAX_PROGRAMS}]`)
  const reserved = inner.take(BANK_RESERVED_BYTES, "reserved bank header")
  const currentProgram = version >= 2 ? new DataView(reserved.buffer, reserved.byteOffset, 4).getInt32(0, false) : 0
  if (magic === "FxBk") {
    const programs: VstProgram[] = []
    for (let i = 0; i < numPrograms; i++) programs.push(readProgram(inner, "FxCk"))
    return { kind: "params", fxId, fxVersion, version, currentProgram, programs }
  }
  const size = inner.int32("chunkSize")
  if (size < 0) throw FileFormatError.of(r.file, `chunkSize ${size} is negative`)
  const chunk = inner.take(size, "chunk").slice()
  const amsynth = decodeAmsynthChunk(chunk, r.file)
  return { kind: "chunk", fxId, fxVersion, version, currentProgram, programs: [], chunk, ...(amsynth !== undefined ? { amsynth } : {}) }
}

/**
 * Parse `.fxp` or `.fxb` bytes. `file` names the source in errors (FileFormatError on a
 * wrong magic, a truncated file, or counts out of range).
 */
export const parseVstPresetFile = (bytes: Uint8Array, file: string): VstPresetFile => {
  const r = new Reader(bytes, file)
  if (bytes.length < 12) throw FileFormatError.of(file, `truncated: ${bytes.length} bytes, a VST preset header needs at least 12`)
  const ccnk = String.fromCharCode(...bytes.subarray(0, 4))
  if (ccnk !== "CcnK") throw FileFormatError.of(file, `not a VST preset or bank: magic is ${printable(ccnk)}, expected "CcnK"`)
  const magic = String.fromCharCode(...bytes.subarray(8, 12))
  if (magic === "FxBk" || magic === "FBCh") return { type: "fxb", bank: readBank(r) }
  if (magic !== "FxCk" && magic !== "FPCh") {
    throw FileFormatError.of(file, `unknown fxMagic ${printable(magic)}: expected "FxCk" or "FPCh" (.fxp) or "FxBk" or "FBCh" (.fxb)`)
  }
  return { type: "fxp", program: readProgram(r) }
}

/** Read a `.fxp` or `.fxb` file. */
export const readVstPresetFile = (file: string): VstPresetFile => {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (e) {
    throw FileFormatError.of(file, `cannot read: ${(e as Error).message}`)
  }
  return parseVstPresetFile(bytes, file)
}

/**
 * Index → amsynth parameter name for a plugin's FxCk parameter list; "" skips an index.
 * The default is amsynth's own order (its VST exposes the 41 parameters by index).
 */
export type VstParamMap = ReadonlyArray<string>

/** amsynth's own VST parameter order. */
export const amsynthVstParamMap: VstParamMap = synthParams.map((p) => p.name)

/** Check a mapping table: every non-empty entry an amsynth parameter name, none twice. Throws naming `where`. */
export const validateParamMap = (map: VstParamMap, where: string): void => {
  const seen = new Set<string>()
  map.forEach((name, i) => {
    if (name === "") return
    if (synthParamByName(name) === undefined) throw new Error(`${where}[${i}]: "${name}" is not an amsynth parameter (e.g. ${synthParams.slice(0, 3).map((p) => p.name).join(", ")})`)
    if (seen.has(name)) throw new Error(`${where}[${i}]: "${name}" is mapped twice`)
    seen.add(name)
  })
}

/**
 * An amsynth preset from a program: its decoded amsynth chunk, or its normalised FxCk
 * parameters through `map` (unmapped amsynth parameters keep their defaults). Values
 * outside [0, 1] are clamped. Throws for an opaque chunk that is not amsynth's.
 */
export const presetFromVstProgram = (program: VstProgram, file: string, map: VstParamMap = amsynthVstParamMap, bank?: string): SynthPreset => {
  const withBank = (p: SynthPreset): SynthPreset => (bank !== undefined ? { ...p, bank } : p)
  if (program.amsynth !== undefined) return withBank(program.amsynth)
  if (program.params === undefined) {
    throw FileFormatError.of(file, `program "${program.name}" is an opaque chunk of plugin "${program.fxId}", not amsynth's preset text: it cannot be read as amsynth parameters`)
  }
  const values = defaultPresetValues()
  const n = Math.min(program.params.length, map.length)
  for (let i = 0; i < n; i++) {
    const name = map[i]!
    if (name === "") continue
    const spec = synthParamByName(name)!
    values[spec.index] = denormalise(spec, Math.min(1, Math.max(0, program.params[i]!)))
  }
  return withBank({ name: program.name, values })
}

/** Every amsynth preset in a `.fxp` or `.fxb` file; the bank name is the file's base name. */
export const presetsFromVstFile = (parsed: VstPresetFile, file: string, map: VstParamMap = amsynthVstParamMap): ReadonlyArray<SynthPreset> => {
  const bank = basename(file).replace(/\.fx[pb]$/i, "")
  if (parsed.type === "fxp") return [presetFromVstProgram(parsed.program, file, map, bank)]
  if (parsed.bank.amsynth !== undefined) return parsed.bank.amsynth.map((p) => ({ ...p, bank }))
  if (parsed.bank.kind === "chunk") throw FileFormatError.of(file, `bank chunk of plugin "${parsed.bank.fxId}" is not amsynth's preset text: it cannot be read as amsynth parameters`)
  return parsed.bank.programs.map((p) => presetFromVstProgram(p, file, map, bank))
}

// ---- writing ----

class Writer {
  private readonly parts: Uint8Array[] = []
  private readonly tmp = new DataView(new ArrayBuffer(4))
  int32(v: number): this {
    this.tmp.setInt32(0, v, false)
    this.parts.push(new Uint8Array(this.tmp.buffer.slice(0)))
    return this
  }
  float32(v: number): this {
    this.tmp.setFloat32(0, v, false)
    this.parts.push(new Uint8Array(this.tmp.buffer.slice(0)))
    return this
  }
  tag(s: string): this {
    if (s.length !== 4) throw new Error(`a VST tag has 4 characters, got ${JSON.stringify(s)}`)
    this.parts.push(Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff))
    return this
  }
  bytes(b: Uint8Array): this {
    this.parts.push(b)
    return this
  }
  build(): Uint8Array {
    const n = this.parts.reduce((a, p) => a + p.length, 0)
    const out = new Uint8Array(n)
    let o = 0
    for (const p of this.parts) {
      out.set(p, o)
      o += p.length
    }
    return out
  }
}

const nameBytes = (name: string): Uint8Array => {
  const out = new Uint8Array(PRESET_NAME_BYTES)
  for (let i = 0; i < Math.min(name.length, PRESET_NAME_BYTES - 1); i++) out[i] = name.charCodeAt(i) & 0xff
  return out
}

const withCcnk = (body: Uint8Array): Uint8Array => new Writer().tag("CcnK").int32(body.length).bytes(body).build()

/** Encode one program as `.fxp` bytes (FxCk when it has params, FPCh when it has a chunk). */
export const encodeFxp = (program: VstProgram): Uint8Array => {
  const w = new Writer().tag(program.kind === "params" ? "FxCk" : "FPCh").int32(1).tag(program.fxId).int32(program.fxVersion)
  if (program.kind === "params") {
    const params = program.params ?? new Float32Array(0)
    w.int32(params.length).bytes(nameBytes(program.name))
    params.forEach((v) => w.float32(v))
  } else {
    const chunk = program.chunk ?? new Uint8Array(0)
    w.int32(0).bytes(nameBytes(program.name)).int32(chunk.length).bytes(chunk)
  }
  return withCcnk(w.build())
}

/** Encode a bank as `.fxb` bytes (version 2: with currentProgram). */
export const encodeFxb = (bank: Pick<VstBank, "kind" | "fxId" | "fxVersion" | "programs" | "chunk" | "currentProgram">): Uint8Array => {
  const reserved = new Uint8Array(BANK_RESERVED_BYTES)
  new DataView(reserved.buffer).setInt32(0, bank.currentProgram, false)
  const w = new Writer().tag(bank.kind === "params" ? "FxBk" : "FBCh").int32(2).tag(bank.fxId).int32(bank.fxVersion)
  if (bank.kind === "params") {
    w.int32(bank.programs.length).bytes(reserved)
    bank.programs.forEach((p) => w.bytes(encodeFxp(p)))
  } else {
    const chunk = bank.chunk ?? new Uint8Array(0)
    w.int32(0).bytes(reserved).int32(chunk.length).bytes(chunk)
  }
  return withCcnk(w.build())
}

/** An amsynth preset as an FxCk program: normalised values in amsynth's order. */
export const amsynthParamsProgram = (preset: SynthPreset): VstProgram => ({
  kind: "params",
  fxId: AMSYNTH_FX_ID,
  fxVersion: 1,
  name: preset.name,
  params: Float32Array.from(synthParams, (p) => normalise(p, preset.values[p.index]!))
})

/** An amsynth preset as an FPCh program holding amsynth's preset text (what its VST saves). */
export const amsynthChunkProgram = (preset: SynthPreset): VstProgram => ({
  kind: "chunk",
  fxId: AMSYNTH_FX_ID,
  fxVersion: 1,
  name: preset.name,
  chunk: new TextEncoder().encode(formatAmsynthPresetState(preset))
})

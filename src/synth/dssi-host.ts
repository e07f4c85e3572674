/**
 * A minimal DSSI host for the real amsynth, through koffi (FFI): it loads
 * `amsynth_dssi.so`, takes `dssi_descriptor(0)`, instantiates the plugin at the sample
 * rate, connects every control port (set from a preset) and both audio outputs,
 * activates it, and calls `run_synth` block by block with ALSA note-on/off events.
 *
 * Struct layouts (x86-64 / LP64) follow ladspa.h, dssi.h and ALSA's seq_event.h:
 * LADSPA_Descriptor's function pointers sit after 11 pointer-sized fields; DSSI_Descriptor
 * is { int version; LADSPA_Descriptor*; configure; get_program; select_program;
 * get_midi_controller_for_port; run_synth; … }; snd_seq_event_t is 28 bytes with the tick
 * at offset 4 and the note's channel/note/velocity at 16/17/18.
 */
import { createRequire } from "node:module"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginError } from "../errors/audioml-error.js"
import { AMSYNTH_INSTALL_HINT, findAmsynthPlugin } from "./amsynth-install.js"
import { synthParams, SYNTH_PARAM_COUNT, clampRaw, type PresetValues } from "./params.js"
import { noteFrequency, type NoteOptions } from "./render.js"

type Koffi = typeof import("koffi")

/** ALSA sequencer event types (alsa/seq_event.h). */
const SND_SEQ_EVENT_NOTEON = 6
const SND_SEQ_EVENT_NOTEOFF = 7
const SEQ_EVENT_BYTES = 28
/** Frames per run_synth call. */
const HOST_BLOCK = 256

let koffiModule: Koffi | undefined
const loadKoffi = (): Koffi => {
  if (koffiModule !== undefined) return koffiModule
  try {
    koffiModule = createRequire(import.meta.url)("koffi") as Koffi
  } catch (e) {
    throw new PluginError({ message: `the amsynth host needs the npm package koffi, which could not be loaded (${(e as Error).message}); run \`npm ci\`` })
  }
  return koffiModule
}

interface Bound {
  readonly instantiate: (descriptor: unknown, rate: number) => unknown
  readonly connectPort: (handle: unknown, port: number, data: unknown) => void
  readonly activate: ((handle: unknown) => void) | undefined
  readonly deactivate: ((handle: unknown) => void) | undefined
  readonly cleanup: (handle: unknown) => void
  readonly runSynth: (handle: unknown, frames: number, events: Uint8Array | null, count: number) => void
  readonly ladspa: unknown
  readonly portNames: ReadonlyArray<string>
  /** The library handle: koffi unloads the plugin when this is garbage-collected, so it is kept here. */
  readonly library: unknown
}

const loaded = new Map<string, Bound>()

let privateHome: string | undefined
/**
 * Run `f` with XDG_CONFIG_HOME / XDG_DATA_HOME pointing at a private temporary folder that
 * already holds the files amsynth creates on first use (config, banks/default), so that
 * loading and instantiating the plugin neither writes into the user's home nor complains.
 */
const withPrivateAmsynthHome = <T>(f: () => T): T => {
  if (privateHome === undefined) {
    const home = mkdtempSync(join(tmpdir(), "audioml-amsynth-"))
    privateHome = home
    process.once("exit", () => rmSync(home, { recursive: true, force: true }))
    mkdirSync(join(privateHome, "config/amsynth"), { recursive: true })
    mkdirSync(join(privateHome, "data/amsynth/banks"), { recursive: true })
    writeFileSync(join(privateHome, "config/amsynth/config"), "")
    writeFileSync(join(privateHome, "data/amsynth/banks/default"), "")
  }
  const saved = { config: process.env["XDG_CONFIG_HOME"], data: process.env["XDG_DATA_HOME"] }
  process.env["XDG_CONFIG_HOME"] = join(privateHome, "config")
  process.env["XDG_DATA_HOME"] = join(privateHome, "data")
  try {
    return f()
  } finally {
    const restore = (key: string, value: string | undefined) => (value === undefined ? delete process.env[key] : (process.env[key] = value))
    restore("XDG_CONFIG_HOME", saved.config)
    restore("XDG_DATA_HOME", saved.data)
  }
}

const bind = (path: string): Bound => {
  const cached = loaded.get(path)
  if (cached !== undefined) return cached
  const koffi = loadKoffi()
  let lib: ReturnType<Koffi["load"]>
  try {
    lib = withPrivateAmsynthHome(() => koffi.load(path))
  } catch (e) {
    throw new PluginError({ message: `${path}: cannot load the amsynth DSSI plugin (${(e as Error).message}); ${AMSYNTH_INSTALL_HINT}` })
  }
  const dssiDescriptor = lib.func("void *dssi_descriptor(unsigned long index)")
  const dssi = dssiDescriptor(0)
  if (dssi === null) throw new PluginError({ message: `${path}: dssi_descriptor(0) returned NULL: not a DSSI plugin` })
  const DssiDescriptor = koffi.struct({
    DSSI_API_Version: "int",
    LADSPA_Plugin: "void *",
    configure: "void *",
    get_program: "void *",
    select_program: "void *",
    get_midi_controller_for_port: "void *",
    run_synth: "void *"
  })
  const LadspaDescriptor = koffi.struct({
    UniqueID: "unsigned long",
    Label: "const char *",
    Properties: "int",
    Name: "const char *",
    Maker: "const char *",
    Copyright: "const char *",
    PortCount: "unsigned long",
    PortDescriptors: "void *",
    PortNames: "void *",
    PortRangeHints: "void *",
    ImplementationData: "void *",
    instantiate: "void *",
    connect_port: "void *",
    activate: "void *",
    run: "void *",
    run_adding: "void *",
    set_run_adding_gain: "void *",
    deactivate: "void *",
    cleanup: "void *"
  })
  const d = koffi.decode(dssi, DssiDescriptor) as Record<string, unknown>
  const l = koffi.decode(d["LADSPA_Plugin"], LadspaDescriptor) as Record<string, unknown>
  const portCount = Number(l["PortCount"])
  const portNames = koffi.decode(l["PortNames"], koffi.array("const char *", portCount)) as string[]
  const fn = <T>(ptr: unknown, signature: string): T => koffi.decode(ptr, koffi.proto(signature)) as T
  const optional = <T>(ptr: unknown, signature: string): T | undefined => (ptr === null ? undefined : fn<T>(ptr, signature))
  if (d["run_synth"] === null) throw new PluginError({ message: `${path}: the plugin has no run_synth` })
  const bound: Bound = {
    instantiate: fn(l["instantiate"], "void *ladspa_instantiate(void *descriptor, unsigned long rate)"),
    connectPort: fn(l["connect_port"], "void ladspa_connect_port(void *handle, unsigned long port, void *data)"),
    activate: optional(l["activate"], "void ladspa_activate(void *handle)"),
    deactivate: optional(l["deactivate"], "void ladspa_deactivate(void *handle)"),
    cleanup: fn(l["cleanup"], "void ladspa_cleanup(void *handle)"),
    runSynth: fn(d["run_synth"], "void dssi_run_synth(void *handle, unsigned long frames, void *events, unsigned long count)"),
    ladspa: d["LADSPA_Plugin"],
    portNames,
    library: lib
  }
  const expected = ["OutL", "OutR", ...synthParams.map((p) => p.name)]
  const mismatch = expected.findIndex((name, i) => portNames[i] !== name)
  if (mismatch >= 0 || portNames.length !== expected.length) {
    throw new PluginError({ message: `${path}: port ${mismatch} is "${portNames[mismatch] ?? "(none)"}", expected "${expected[mismatch] ?? "(none)"}": this amsynth (${portNames.length} ports) does not have amsynth 1.13's ${SYNTH_PARAM_COUNT} parameters` })
  }
  loaded.set(path, bound)
  return bound
}

/**
 * The plugin path to use: `explicit` if given (it must exist), else the first one found
 * (AUDIOML_AMSYNTH_DIR, DSSI_PATH, system folders). Throws PluginError saying how to get it.
 */
export const resolveAmsynthPlugin = (explicit?: string): string => {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new PluginError({ message: `plugin "${explicit}" does not exist; ${AMSYNTH_INSTALL_HINT}` })
    return explicit
  }
  const found = findAmsynthPlugin()
  if (found === undefined) throw new PluginError({ message: `the amsynth DSSI plugin (amsynth_dssi.so) was not found; ${AMSYNTH_INSTALL_HINT}` })
  return found
}

interface HostBuffers {
  readonly outL: unknown
  readonly outR: unknown
  readonly viewL: Float32Array
  readonly viewR: Float32Array
  /** One native float per control port (the plugin keeps these pointers while it runs). */
  readonly controls: ReadonlyArray<unknown>
  readonly controlValues: ReadonlyArray<Float32Array>
}

let buffers: HostBuffers | undefined
/**
 * Native buffers shared by every render of this process (renders are synchronous, one at
 * a time), allocated once and never freed: the plugin holds their addresses, and views of
 * native memory must not outlive it.
 */
const hostBuffers = (koffi: Koffi): HostBuffers => {
  if (buffers !== undefined) return buffers
  const outL = koffi.alloc("float", HOST_BLOCK)
  const outR = koffi.alloc("float", HOST_BLOCK)
  const controls = synthParams.map(() => koffi.alloc("float", 1))
  buffers = {
    outL,
    outR,
    viewL: new Float32Array(koffi.view(outL, HOST_BLOCK * 4)),
    viewR: new Float32Array(koffi.view(outR, HOST_BLOCK * 4)),
    controls,
    controlValues: controls.map((c) => new Float32Array(koffi.view(c, 4)))
  }
  return buffers
}

const noteEvent = (bytes: Uint8Array, index: number, type: number, frame: number, note: number, velocity: number): void => {
  const o = index * SEQ_EVENT_BYTES
  bytes.fill(0, o, o + SEQ_EVENT_BYTES)
  bytes[o] = type
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(o + 4, frame, true) // time.tick: the frame within the block
  bytes[o + 16] = 0 // channel
  bytes[o + 17] = note
  bytes[o + 18] = velocity
}

/**
 * Render one note of a preset with the real amsynth (a fresh plugin instance per call, so
 * renders do not depend on each other). Same options and output as `renderNote` (mono:
 * the mean of the plugin's left and right outputs). amsynth's noise is its own and not
 * seeded, so noise presets differ between calls; everything else is deterministic.
 */
export const renderNoteWithAmsynth = (values: PresetValues, options: NoteOptions & { readonly plugin?: string } = {}): Float32Array => {
  if (values.length !== SYNTH_PARAM_COUNT) throw new Error(`a preset has ${SYNTH_PARAM_COUNT} values, got ${values.length}`)
  const koffi = loadKoffi()
  const plugin = bind(resolveAmsynthPlugin(options.plugin))
  const fs = options.sampleRate ?? 44100
  const total = Math.max(0, Math.round((options.seconds ?? 4) * fs))
  const noteOff = Math.round((options.noteSeconds ?? 3) * fs)
  const velocity = Math.min(127, Math.max(1, Math.round(options.velocity ?? 100)))
  const note = options.note ?? 60
  if (!(noteFrequency(note) > 0) || note < 0 || note > 127 || !Number.isInteger(note)) throw new Error(`note ${note} is not a MIDI note 0–127`)

  const io = hostBuffers(koffi)
  const handle = withPrivateAmsynthHome(() => plugin.instantiate(plugin.ladspa, fs))
  if (handle === null) throw new PluginError({ message: `amsynth failed to instantiate at ${fs} Hz` })
  try {
    plugin.connectPort(handle, 0, io.outL)
    plugin.connectPort(handle, 1, io.outR)
    synthParams.forEach((spec, i) => {
      io.controlValues[i]![0] = clampRaw(spec, values[spec.index]!)
      plugin.connectPort(handle, i + 2, io.controls[i])
    })
    plugin.activate?.(handle)
    const events = new Uint8Array(SEQ_EVENT_BYTES * 2)
    const out = new Float32Array(total)
    for (let start = 0; start < total; start += HOST_BLOCK) {
      const n = Math.min(HOST_BLOCK, total - start)
      let count = 0
      if (start === 0) noteEvent(events, count++, SND_SEQ_EVENT_NOTEON, 0, note, velocity)
      if (noteOff >= start && noteOff < start + n) noteEvent(events, count++, SND_SEQ_EVENT_NOTEOFF, noteOff - start, note, 0)
      plugin.runSynth(handle, n, count > 0 ? events : null, count)
      for (let i = 0; i < n; i++) out[start + i] = 0.5 * (io.viewL[i]! + io.viewR[i]!)
    }
    return out
  } finally {
    plugin.deactivate?.(handle)
    plugin.cleanup(handle)
  }
}

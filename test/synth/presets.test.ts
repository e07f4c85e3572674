import { describe, expect, it } from "vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { formatAmsynthBank, parseAmsynthText, readAmsynthBank, writeAmsynthBank } from "../../src/synth/presets/amsynth-bank.js"
import {
  amsynthChunkProgram,
  amsynthParamsProgram,
  encodeFxb,
  encodeFxp,
  parseVstPresetFile,
  presetsFromVstFile,
  readVstPresetFile,
  validateParamMap
} from "../../src/synth/presets/vst-preset.js"
import { FileFormatError } from "../../src/errors/audioml-error.js"
import { defaultPresetValues, synthParamByName, synthParams, type SynthPreset } from "../../src/synth/params.js"
import { findAmsynthFactoryBanks } from "../../src/synth/amsynth-install.js"

const dir = mkdtempSync(join(tmpdir(), "audioml-presets-"))
const idx = (name: string) => synthParamByName(name)!.index

/** Big-endian bytes written field by field, independent of the encoder under test. */
const be = {
  tag: (s: string) => Array.from(s, (c) => c.charCodeAt(0)),
  i32: (v: number) => {
    const b = new DataView(new ArrayBuffer(4))
    b.setInt32(0, v, false)
    return [...new Uint8Array(b.buffer)]
  },
  f32: (v: number) => {
    const b = new DataView(new ArrayBuffer(4))
    b.setFloat32(0, v, false)
    return [...new Uint8Array(b.buffer)]
  },
  name: (s: string) => [...Array.from(s, (c) => c.charCodeAt(0)), ...new Array(28 - s.length).fill(0)]
}
const ccnk = (body: number[]) => [...be.tag("CcnK"), ...be.i32(body.length), ...body]

describe("amsynth bank files", () => {
  const text = ["amSynth", "<preset> <name> Fat Bass ", "<parameter> filter_cutoff -0.2795", "<parameter> osc1_waveform 1", "<parameter> future_param 3", "<preset> <name> two", "<parameter> amp_attack 0.5", "EOF", ""].join("\n")

  it("reads names (spaces kept), values, defaults for missing parameters, and skips unknown names", () => {
    const file = join(dir, "Test.amSynth.bank")
    writeFileSync(file, Buffer.from(text, "latin1"))
    const presets = readAmsynthBank(file)
    expect(presets.map((p) => p.name)).toEqual(["Fat Bass ", "two"])
    expect(presets[0]!.bank).toBe("Test")
    expect(presets[0]!.values[idx("filter_cutoff")]).toBe(-0.2795)
    expect(presets[0]!.values[idx("osc1_waveform")]).toBe(1)
    expect(presets[0]!.values[idx("master_vol")]).toBe(0.67)
    expect(presets[1]!.values[idx("amp_attack")]).toBe(0.5)
    expect(parseAmsynthText(text, "x").unknownParameters).toEqual(["future_param"])
  })

  it("round-trips through the writer", () => {
    const values = defaultPresetValues()
    synthParams.forEach((p, i) => (values[i] = p.min + ((i * 0.37) % 1) * (p.max - p.min)))
    const presets: SynthPreset[] = [{ name: "a b c", values, bank: "rt" }, { name: "zero", values: defaultPresetValues(), bank: "rt" }]
    const file = join(dir, "rt.amSynth.bank")
    writeAmsynthBank(file, presets)
    const back = readAmsynthBank(file)
    expect(back.map((p) => p.name)).toEqual(["a b c", "zero"])
    expect([...back[0]!.values]).toEqual([...values])
    expect(formatAmsynthBank(back)).toBe(formatAmsynthBank(presets))
  })

  it("rejects a truncated bank and a wrong header with the file name", () => {
    expect(() => parseAmsynthText(text.slice(0, text.indexOf("EOF")), "cut.bank")).toThrow(/cut\.bank: no closing "EOF" line: the bank is truncated/)
    expect(() => parseAmsynthText("amSynth\n<preset> <name> x\n<parameter> amp_attack\n", "mid.bank")).toThrow(/mid\.bank: line 3: expected "<parameter> NAME VALUE"/)
    expect(() => parseAmsynthText("amSynth\n<preset> <name> x\n<parameter> amp_attack abc\nEOF\n", "nan.bank")).toThrow(/nan\.bank: line 3: parameter amp_attack has value "abc"/)
    expect(() => parseAmsynthText("MThd....", "song.mid")).toThrow(FileFormatError)
    expect(() => parseAmsynthText("MThd....", "song.mid")).toThrow(/song\.mid: not an amsynth bank or preset/)
  })

  const banks = findAmsynthFactoryBanks()
  it.skipIf(banks.length === 0)("reads every installed factory bank within the parameter ranges (needs amsynth's banks, see AUDIOML_AMSYNTH_DIR)", () => {
    let count = 0
    const outOfRange: string[] = []
    for (const file of banks) {
      for (const p of readAmsynthBank(file)) {
        count++
        for (const s of synthParams) {
          const v = p.values[s.index]!
          if (!(v >= s.min - 1e-6 && v <= s.max + 1e-6)) outOfRange.push(`${file} ${p.name} ${s.name}=${v}`)
        }
      }
    }
    expect(outOfRange).toEqual([])
    expect(count).toBeGreaterThan(3000)
  })
})

describe("VST .fxp / .fxb files", () => {
  it("reads an FxCk preset written byte by byte (big-endian float32 params)", () => {
    const bytes = Uint8Array.from(ccnk([...be.tag("FxCk"), ...be.i32(1), ...be.tag("amsy"), ...be.i32(3), ...be.i32(3), ...be.name("Pad"), ...be.f32(0.25), ...be.f32(1), ...be.f32(0)]))
    const parsed = parseVstPresetFile(bytes, "pad.fxp")
    expect(parsed.type).toBe("fxp")
    if (parsed.type !== "fxp") return
    expect(parsed.program).toMatchObject({ kind: "params", fxId: "amsy", fxVersion: 3, name: "Pad" })
    expect([...parsed.program.params!]).toEqual([0.25, 1, 0])
    // amsynth's own order: amp_attack 0.25 of [0, 2.5], amp_decay 1 of [0, 2.5], amp_sustain 0
    const [preset] = presetsFromVstFile(parsed, "pad.fxp")
    expect(preset!.values[idx("amp_attack")]).toBeCloseTo(0.625, 6)
    expect(preset!.values[idx("amp_decay")]).toBeCloseTo(2.5, 6)
    expect(preset!.values[idx("amp_sustain")]).toBe(0)
    // another synth's index order through a mapping table
    const [mapped] = presetsFromVstFile(parsed, "pad.fxp", ["filter_cutoff", "", "osc_mix"])
    expect(mapped!.values[idx("filter_cutoff")]).toBeCloseTo(0, 6)
    expect(mapped!.values[idx("osc_mix")]).toBe(-1)
    expect(mapped!.values[idx("amp_attack")]).toBe(0)
  })

  it("reads an FPCh preset and decodes amsynth's text chunk", () => {
    const chunk = Array.from("amSynth1.0preset\n<preset> <name> Lead\n<parameter> filter_type 2\n<property> tuning_scale_file x.scl\n", (c) => c.charCodeAt(0))
    const bytes = Uint8Array.from(ccnk([...be.tag("FPCh"), ...be.i32(1), ...be.tag("amsy"), ...be.i32(1), ...be.i32(0), ...be.name("Lead"), ...be.i32(chunk.length), ...chunk]))
    const parsed = parseVstPresetFile(bytes, "lead.fxp")
    if (parsed.type !== "fxp") throw new Error("expected fxp")
    expect(parsed.program.kind).toBe("chunk")
    expect(parsed.program.chunk!.length).toBe(chunk.length)
    expect(parsed.program.amsynth!.name).toBe("Lead")
    expect(parsed.program.amsynth!.values[idx("filter_type")]).toBe(2)
    // another plugin's opaque chunk comes back as bytes, undecoded
    const other = Uint8Array.from(ccnk([...be.tag("FPCh"), ...be.i32(1), ...be.tag("Xfer"), ...be.i32(1), ...be.i32(0), ...be.name("S"), ...be.i32(3), 1, 2, 3]))
    const op = parseVstPresetFile(other, "serum.fxp")
    if (op.type !== "fxp") throw new Error("expected fxp")
    expect([...op.program.chunk!]).toEqual([1, 2, 3])
    expect(op.program.amsynth).toBeUndefined()
    expect(() => presetsFromVstFile(op, "serum.fxp")).toThrow(/serum\.fxp: program "S" is an opaque chunk of plugin "Xfer"/)
  })

  it("reads FxBk and FBCh banks written byte by byte", () => {
    const prog = (name: string, v: number) => ccnk([...be.tag("FxCk"), ...be.i32(1), ...be.tag("amsy"), ...be.i32(1), ...be.i32(2), ...be.name(name), ...be.f32(v), ...be.f32(v)])
    const reserved = [...be.i32(1), ...new Array(124).fill(0)]
    const fxb = Uint8Array.from(ccnk([...be.tag("FxBk"), ...be.i32(2), ...be.tag("amsy"), ...be.i32(1), ...be.i32(2), ...reserved, ...prog("one", 0.5), ...prog("two", 1)]))
    const parsed = parseVstPresetFile(fxb, "b.fxb")
    if (parsed.type !== "fxb") throw new Error("expected fxb")
    expect(parsed.bank.currentProgram).toBe(1)
    expect(parsed.bank.programs.map((p) => p.name)).toEqual(["one", "two"])
    expect(presetsFromVstFile(parsed, "dir/b.fxb").map((p) => p.bank)).toEqual(["b", "b"])

    const text = Array.from("amSynth\n<preset> <name> p1\n<parameter> osc_mix 0.5\n<preset> <name> p2\nEOF\n", (c) => c.charCodeAt(0))
    const fbch = Uint8Array.from(ccnk([...be.tag("FBCh"), ...be.i32(1), ...be.tag("amsy"), ...be.i32(1), ...be.i32(0), ...new Array(128).fill(0), ...be.i32(text.length), ...text]))
    const pc = parseVstPresetFile(fbch, "c.fxb")
    if (pc.type !== "fxb") throw new Error("expected fxb")
    expect(pc.bank.kind).toBe("chunk")
    expect(pc.bank.amsynth!.map((p) => p.name)).toEqual(["p1", "p2"])
    expect(pc.bank.amsynth![0]!.values[idx("osc_mix")]).toBe(0.5)
  })

  it("round-trips presets and banks through the encoder", () => {
    const values = defaultPresetValues()
    values[idx("filter_cutoff")] = 0.25
    values[idx("osc2_pitch")] = -7
    const preset: SynthPreset = { name: "Round Trip", values }
    for (const program of [amsynthParamsProgram(preset), amsynthChunkProgram(preset)]) {
      const parsed = parseVstPresetFile(encodeFxp(program), "rt.fxp")
      if (parsed.type !== "fxp") throw new Error("expected fxp")
      expect(parsed.program.name).toBe("Round Trip")
      const [back] = presetsFromVstFile(parsed, "rt.fxp")
      synthParams.forEach((s) => expect(back!.values[s.index]).toBeCloseTo(values[s.index]!, 5))
    }
    const bank = encodeFxb({ kind: "params", fxId: "amsy", fxVersion: 1, currentProgram: 0, programs: [amsynthParamsProgram(preset), amsynthParamsProgram({ ...preset, name: "B" })] })
    const file = join(dir, "rt.fxb")
    writeFileSync(file, bank)
    const parsed = readVstPresetFile(file)
    if (parsed.type !== "fxb") throw new Error("expected fxb")
    expect(encodeFxb(parsed.bank)).toEqual(bank)
  })

  it("rejects truncated files and wrong magic with the file name", () => {
    const full = encodeFxp(amsynthParamsProgram({ name: "x", values: defaultPresetValues() }))
    expect(() => parseVstPresetFile(full.subarray(0, full.length - 3), "cut.fxp")).toThrow(/cut\.fxp: truncated/)
    expect(() => parseVstPresetFile(full.subarray(0, 8), "tiny.fxp")).toThrow(/tiny\.fxp: truncated: 8 bytes/)
    const wrong = full.slice()
    wrong.set([82, 73, 70, 70], 0) // "RIFF"
    expect(() => parseVstPresetFile(wrong, "song.wav")).toThrow(/song\.wav: not a VST preset or bank: magic is "RIFF", expected "CcnK"/)
    const badFx = full.slice()
    badFx.set([88, 88, 88, 88], 8)
    expect(() => parseVstPresetFile(badFx, "odd.fxp")).toThrow(/odd\.fxp: unknown fxMagic "XXXX"/)
    expect(() => readVstPresetFile(join(dir, "missing.fxp"))).toThrow(/missing\.fxp: cannot read/)
  })

  it("checks a mapping table", () => {
    expect(() => validateParamMap(["filter_cutoff", "cutof"], "stages.s.param_map")).toThrow(/stages\.s\.param_map\[1\]: "cutof" is not an amsynth parameter/)
    expect(() => validateParamMap(["osc_mix", "osc_mix"], "m")).toThrow(/m\[1\]: "osc_mix" is mapped twice/)
  })
})

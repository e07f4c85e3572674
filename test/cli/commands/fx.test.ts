import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeWav, encodeWav } from "../../../src/audio/wav.js"
import { applyChainToFile, fxCommand, loadChainFile } from "../../../src/cli/commands/fx.js"
import { UserError } from "../../../src/cli/user-error.js"
import { Rng } from "../../../src/params/rng.js"
import { effectCatalog } from "../../../src/effects/registry.js"

const dir = mkdtempSync(join(tmpdir(), "audioml-fx-"))
const file = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const rng = new Rng(5)
const dry = { sampleRate: 32000, channels: [0, 1].map(() => new Float32Array(3000).map(() => 0.2 * rng.normal())) }
const inputWav = join(dir, "in.wav")
writeFileSync(inputWav, encodeWav(dry))

const userError = (f: () => unknown): UserError => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(UserError)
    return e as UserError
  }
  throw new Error("expected a UserError")
}

describe("audioml fx", () => {
  it("exports the command", () => expect(fxCommand).toBeDefined())

  it("applies the chain to every channel and writes 32-bit float at the input rate", () => {
    const chain = file("chain.toml", 'chain = [\n  { uses = "eq.peaking", freq = 1000, q = 1, gain_db = 6 },\n  { uses = "distortion.tanh", drive_db = 12, mix = 0.5 },\n]\n')
    const out = join(dir, "out.wav")
    const result = applyChainToFile({ input: inputWav, output: out, chain, seed: 0 })
    const bytes = readFileSync(out)
    expect(bytes.readUInt16LE(20)).toBe(3) // WAVE_FORMAT_IEEE_FLOAT
    expect(bytes.readUInt16LE(34)).toBe(32)
    const wet = decodeWav(bytes)
    expect(wet.sampleRate).toBe(32000)
    expect(wet.channels.length).toBe(2)
    dry.channels.forEach((x, c) => {
      const eq = effectCatalog.get("eq.peaking")!.process(x, 32000, { freq: 1000, q: 1, gain_db: 6 }, rng)
      const expected = effectCatalog.get("distortion.tanh")!.process(eq, 32000, { drive_db: 12, mix: 0.5, oversample: 1 }, rng)
      expect(Array.from(wet.channels[c]!)).toEqual(Array.from(expected))
    })
    expect(result.chain).toEqual([
      { uses: "eq.peaking", freq: 1000, q: 1, gain_db: 6, mix: 1 },
      { uses: "distortion.tanh", drive_db: 12, mix: 0.5, oversample: 1 }
    ])
    expect(result.sample_rate).toBe(32000)
  })

  it("draws distributions from --seed: same seed same output, reports the drawn values", () => {
    const chain = file("dist.toml", 'chain = [ { uses = "distortion.softclip", drive_db = { uniform = [0, 24] } } ]\n')
    const a = applyChainToFile({ input: inputWav, output: join(dir, "a.wav"), chain, seed: 3 })
    const b = applyChainToFile({ input: inputWav, output: join(dir, "b.wav"), chain, seed: 3 })
    const c = applyChainToFile({ input: inputWav, output: join(dir, "c.wav"), chain, seed: 4 })
    expect(readFileSync(join(dir, "a.wav")).equals(readFileSync(join(dir, "b.wav")))).toBe(true)
    expect(a.chain[0]!["drive_db"]).toBe(b.chain[0]!["drive_db"])
    expect(a.chain[0]!["drive_db"]).not.toBe(c.chain[0]!["drive_db"])
    const d = a.chain[0]!["drive_db"] as number
    expect(d >= 0 && d <= 24).toBe(true)
  })

  it.skipIf(effectCatalog.get("reverb.convolve") === undefined)("finds a relative impulse response next to chain.toml", () => {
    const sub = mkdtempSync(join(dir, "ir-"))
    writeFileSync(join(sub, "ir.wav"), encodeWav({ sampleRate: 32000, channels: [Float32Array.of(0, 0, 1)] }))
    const chain = join(sub, "chain.toml")
    writeFileSync(chain, 'chain = [ { uses = "reverb.convolve", ir = "ir.wav" } ]\n')
    const result = applyChainToFile({ input: inputWav, output: join(sub, "out.wav"), chain, seed: 0 })
    expect(result.chain[0]!["ir"]).toBe("ir.wav")
    const wet = decodeWav(readFileSync(join(sub, "out.wav")))
    for (let i = 2; i < 3000; i++) expect(wet.channels[0]![i]).toBeCloseTo(dry.channels[0]![i - 2]!, 5)
  })

  it("reports bad parameters with the file, the TOML path and the allowed range (exit 2)", () => {
    const chain = file(
      "bad.toml",
      'chain = [\n  { uses = "eq.peaking", freq = 1000 },\n  { uses = "distortion.tanh", drive_db = 100 },\n  { uses = "eq.peakng" },\n  { uses = "distortion.tanh", driv_db = 3 },\n  { uses = "distortion.diode_clipper", diode = "silicon" },\n]\n'
    )
    const e = userError(() => loadChainFile(chain))
    expect(e.exitCode).toBe(2)
    const lines = e.message.split("\n")
    expect(lines).toContainEqual(expect.stringMatching(/bad\.toml: chain\[1\]\.drive_db: must be <= 60 \(got 100\); allowed: 0 to 60 dB$/))
    expect(lines).toContainEqual(expect.stringMatching(/bad\.toml: chain\[2\]\.uses: unknown effect "eq\.peakng".*did you mean "eq\.peaking"/))
    expect(lines).toContainEqual(expect.stringMatching(/bad\.toml: chain\[3\]\.driv_db: unknown key "driv_db".*drive_db/))
    expect(lines).toContainEqual(expect.stringMatching(/bad\.toml: chain\[4\]\.diode: must be one of "si", "ge", "led".*\(got "silicon"\)$/))
    expect(lines.length).toBe(4)
  })

  it("reports TOML syntax errors with line and column, and a missing chain", () => {
    expect(userError(() => loadChainFile(file("syntax.toml", "chain = [ { uses = }\n"))).message).toMatch(/syntax\.toml:1:\d+: TOML syntax error/)
    expect(userError(() => loadChainFile(file("empty.toml", "effects = []\n"))).message).toMatch(/empty\.toml: effects: unknown key "effects"/)
    expect(userError(() => loadChainFile(file("none.toml", "chain = []\n"))).message).toMatch(/none\.toml: chain: must have at least 1 item/)
  })

  it("names the input file when it cannot be read or decoded, and the chain file when an effect cannot run", () => {
    const chain = file("ok.toml", 'chain = [ { uses = "gain", gain_db = 0 } ]\n')
    const notWav = file("not.wav", "hello")
    expect(userError(() => applyChainToFile({ input: join(dir, "missing.wav"), output: join(dir, "x.wav"), chain, seed: 0 })).message).toMatch(
      /missing\.wav: file not found/
    )
    expect(userError(() => applyChainToFile({ input: notWav, output: join(dir, "x.wav"), chain, seed: 0 })).message).toMatch(/not\.wav: .*WAV/)
    const high = file("high.toml", 'chain = [ { uses = "eq.lowpass", freq = 20000 } ]\n')
    expect(userError(() => applyChainToFile({ input: inputWav, output: join(dir, "x.wav"), chain: high, seed: 0 })).message).toMatch(
      /high\.toml: chain\[0\] \(eq\.lowpass\): .*Nyquist/
    )
  })
})

import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import type { Artifact } from "../../src/engine/artifact.js"
import { validatorFor } from "../../src/params/validator.js"
import { effectCatalog } from "../../src/effects/registry.js"
import { encodeAudioSet, type Clip } from "../../src/stages/artifacts/audio-set.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { effectsChainStage } from "../../src/stages/effects-chain.js"
import { builtinStages } from "../../src/stages/registry.js"
import { runStage, testContext } from "../helpers/stage-context.js"

const sr = 22050
const clipOf = (id: string, channels: number, seed: number, extra: Partial<Clip> = {}): Clip => {
  const rng = new Rng(seed)
  return {
    id,
    audio: { sampleRate: sr, channels: Array.from({ length: channels }, () => new Float32Array(2000).map(() => 0.3 * rng.normal())) },
    labels: { source: id },
    ...extra
  }
}
const clips = [clipOf("a", 1, 1, { split: "train" }), clipOf("b", 2, 2, { split: "val" }), clipOf("c", 1, 3)]
const audio = encodeAudioSet({ clips })

const chain = [
  { uses: "eq.peaking", freq: 1500, q: 1, gain_db: { uniform: [-6, 6] }, mix: 0.5 },
  { uses: "distortion.tanh", drive_db: { uniform: [0, 24] } },
  { uses: "distortion.bitcrush", bits: { uniform: [4, 8] } }
]

const bytesEqual = (a: Artifact, b: Artifact): boolean =>
  a.files.size === b.files.size &&
  [...a.files].every(([k, v]) => {
    const w = b.files.get(k)
    return w !== undefined && Buffer.from(v).equals(Buffer.from(w))
  })

describe("effects.chain stage", () => {
  it("is registered, and its chain schema lists every effect of the registry", () => {
    expect(builtinStages).toContain(effectsChainStage)
    const items = (effectsChainStage.params["properties"] as any).chain.items
    const names = (items.oneOf as any[]).map((b) => b.properties.uses.const)
    expect(names).toEqual(effectCatalog.list.map((d) => d.uses))
  })

  it("validates with ajv: good chains pass, out-of-range values fail at their path", () => {
    const validate = validatorFor(effectsChainStage.params)
    expect(validate({ chain: structuredClone(chain) })).toBe(true)
    expect(validate({ chain: [{ uses: "eq.peaking" }, { uses: "distortion.tanh", drive_db: 100 }] })).toBe(false)
    expect(validate.errors!.some((e) => e.instancePath === "/chain/1/drive_db" && e.keyword === "maximum")).toBe(true)
    expect(validate({ chain: [{ uses: "eq.peek" }] })).toBe(false)
  })

  it("pairs each dry clip with its wet version, keeps ids, splits and clip labels", async () => {
    const out = decodePairedAudioSet(await runStage(effectsChainStage, { chain }, { audio }))
    expect(out.pairs.map((p) => p.id)).toEqual(["a", "b", "c"])
    expect(out.pairs.map((p) => p.split)).toEqual(["train", "val", undefined])
    for (const [i, pair] of out.pairs.entries()) {
      expect(pair.labels["source"]).toBe(clips[i]!.id)
      expect(pair.input.channels.length).toBe(clips[i]!.audio.channels.length)
      expect(pair.target.channels.length).toBe(clips[i]!.audio.channels.length)
      expect(Array.from(pair.input.channels[0]!)).toEqual(Array.from(clips[i]!.audio.channels[0]!))
    }
  })

  it("labels hold the applied values: recomputing the wet audio from them gives the same target", async () => {
    const out = decodePairedAudioSet(await runStage(effectsChainStage, { chain, labels: { normalised: true } }, { audio }))
    for (const pair of out.pairs) {
      const l = pair.labels
      const gain = l["fx.0.eq.peaking.gain_db"] as number
      const drive = l["fx.1.distortion.tanh.drive_db"] as number
      const bits = l["fx.2.distortion.bitcrush.bits"] as number
      expect(gain).toBeGreaterThanOrEqual(-6)
      expect(gain).toBeLessThanOrEqual(6)
      expect(drive).toBeGreaterThanOrEqual(0)
      expect(Number.isInteger(bits)).toBe(true)
      expect(l["fx.0.eq.peaking.freq"]).toBe(1500)
      expect(l["fx.0.eq.peaking.mix"]).toBe(0.5)
      expect(l["fx.1.distortion.tanh.mix"]).toBe(1)
      expect(l["fx.2.distortion.bitcrush.downsample"]).toBe(1)
      expect(l["fx_norm.0.eq.peaking.gain_db"]).toBeCloseTo((gain + 48) / 96, 12)
      expect(l["fx_norm.1.distortion.tanh.drive_db"]).toBeCloseTo(drive / 60, 12)
      expect(l["fx_norm.2.distortion.bitcrush.bits"]).toBeCloseTo((bits - 1) / 23, 12)
      pair.input.channels.forEach((dry, c) => {
        const eq = effectCatalog.get("eq.peaking")!.process(dry, sr, { freq: 1500, q: 1, gain_db: gain }, new Rng(0))
        const mixed = eq.map((v, i) => 0.5 * dry[i]! + 0.5 * v)
        const driven = effectCatalog.get("distortion.tanh")!.process(mixed, sr, { drive_db: drive, mix: 1, oversample: 1 }, new Rng(0))
        const crushed = effectCatalog.get("distortion.bitcrush")!.process(driven, sr, { bits, downsample: 1, oversample: 1 }, new Rng(0))
        expect(Array.from(pair.target.channels[c]!)).toEqual(Array.from(crushed))
      })
    }
    // Different clips draw different values.
    expect(new Set(out.pairs.map((p) => p.labels["fx.0.eq.peaking.gain_db"])).size).toBe(3)
  })

  it("same config and seed give identical bytes; another seed gives other audio", async () => {
    const a = await runStage(effectsChainStage, { chain }, { audio }, testContext("wet", 7))
    const b = await runStage(effectsChainStage, { chain }, { audio }, testContext("wet", 7))
    const c = await runStage(effectsChainStage, { chain }, { audio }, testContext("wet", 8))
    expect(bytesEqual(a, b)).toBe(true)
    expect(bytesEqual(a, c)).toBe(false)
  })

  it("a clip's result does not depend on the other clips", async () => {
    const all = decodePairedAudioSet(await runStage(effectsChainStage, { chain }, { audio }))
    const onlyC = decodePairedAudioSet(await runStage(effectsChainStage, { chain }, { audio: encodeAudioSet({ clips: [clips[2]!] }) }))
    expect(onlyC.pairs[0]!.labels).toEqual(all.pairs[2]!.labels)
    expect(Array.from(onlyC.pairs[0]!.target.channels[0]!)).toEqual(Array.from(all.pairs[2]!.target.channels[0]!))
  })

  it("labels.include = drawn keeps only drawn values; labels.prefix renames", async () => {
    const out = decodePairedAudioSet(await runStage(effectsChainStage, { chain, labels: { include: "drawn", prefix: "wet" } }, { audio }))
    const keys = Object.keys(out.pairs[0]!.labels).filter((k) => k !== "source").sort()
    expect(keys).toEqual(["wet.0.eq.peaking.gain_db", "wet.1.distortion.tanh.drive_db", "wet.2.distortion.bitcrush.bits"])
  })

  it("draws choices of strings too (diode = { choice = [...] })", async () => {
    const out = decodePairedAudioSet(
      await runStage(effectsChainStage, { chain: [{ uses: "distortion.diode_clipper", diode: { choice: ["si", "ge", "led"] } }] }, { audio })
    )
    for (const pair of out.pairs) expect(["si", "ge", "led"]).toContain(pair.labels["fx.0.distortion.diode_clipper.diode"])
    expect(validatorFor(effectsChainStage.params)({ chain: [{ uses: "distortion.diode_clipper", diode: { choice: ["si", "ge"] } }] })).toBe(true)
  })

  it("labels nested parametric bands by index", async () => {
    const bands = [
      { uses: "eq.peaking", freq: 800, gain_db: { uniform: [-3, 3] } },
      { uses: "eq.highpass", freq: 60 }
    ]
    const out = decodePairedAudioSet(await runStage(effectsChainStage, { chain: [{ uses: "eq.parametric", bands }] }, { audio }))
    const l = out.pairs[0]!.labels
    expect(l["fx.0.eq.parametric.bands[0].uses"]).toBe("eq.peaking")
    expect(l["fx.0.eq.parametric.bands[0].q"]).toBe(1) // default filled
    expect(Math.abs(l["fx.0.eq.parametric.bands[0].gain_db"] as number)).toBeLessThanOrEqual(3)
    expect(l["fx.0.eq.parametric.bands[1].freq"]).toBe(60)
  })

  it("fails with the clip, the chain index and the reason when an effect cannot run", async () => {
    await expect(runStage(effectsChainStage, { chain: [{ uses: "eq.lowpass", freq: 15000 }] }, { audio })).rejects.toThrow(
      /clip a: chain\[0\] \(eq\.lowpass\): .*freq 15000 Hz .*Nyquist/
    )
  })
})

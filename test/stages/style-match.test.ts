import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeWav } from "../../src/audio/wav.js"
import { MrStftTarget } from "../../src/ml/style/mrstft.js"
import { decodeAudioSet, encodeAudioSet } from "../../src/stages/artifacts/audio-set.js"
import { builtinStages } from "../../src/stages/registry.js"
import { styleMatchStage } from "../../src/stages/style-match.js"
import { runStage, testContext } from "../helpers/stage-context.js"

/** The sox pair of `audioml style`'s test (test/fixtures/style/make_style_pair.sh). */
const fixtures = join(import.meta.dirname, "../fixtures/style")
const input = decodeWav(readFileSync(join(fixtures, "input.wav")))
const reference = decodeWav(readFileSync(join(fixtures, "reference.wav")))
const chain = [
  { uses: "eq.peaking", freq: { log_uniform: [600, 2400] }, q: 1.0, gain_db: { uniform: [-12, 12] } },
  { uses: "eq.peaking", freq: { log_uniform: [150, 600] }, q: 1.0, gain_db: { uniform: [-12, 12] } },
  { uses: "dynamics.compressor", threshold_db: { uniform: [-50, -10] }, ratio: { uniform: [1, 8] }, attack_ms: 5, release_ms: 100, knee_db: 6, makeup_db: { uniform: [-6, 12] } }
]
const audio = encodeAudioSet({ clips: [{ id: "take1", audio: input, labels: { player: "a" }, split: "test" }] })
const ctx = () => testContext("match", 1, fixtures)

describe("style.match stage (mode A in a pipeline)", () => {
  it("is registered", () => expect(builtinStages).toContain(styleMatchStage))

  it("restyles each clip towards the reference (sox equalizer + compand): MR-STFT down at least 2x, parameters as labels", async () => {
    const out = decodeAudioSet(await runStage(styleMatchStage, { chain, reference: "reference.wav", iterations: 25 }, { audio }, ctx()))
    const [clip] = out.clips
    expect(clip!.id).toBe("take1")
    expect(clip!.split).toBe("test")
    expect(clip!.labels["player"]).toBe("a")
    const target = new MrStftTarget(reference.channels[0]!)
    expect(target.value(clip!.audio.channels[0]!)).toBeLessThan(target.value(input.channels[0]!) / 2)
    const threshold = clip!.labels["style.chain[2].threshold_db"] as number
    expect(threshold).toBeGreaterThanOrEqual(-50)
    expect(threshold).toBeLessThanOrEqual(-10)
    expect(typeof clip!.labels["style_t.chain[0].freq"]).toBe("number")
    expect(clip!.labels["style.loss"]).toBeGreaterThan(0)
  })

  it("uses the style loss (SPSA) for a reference of other length, and refuses the match loss for it", async () => {
    const short = encodeAudioSet({ clips: [{ id: "short", audio: { sampleRate: input.sampleRate, channels: [input.channels[0]!.slice(0, 22050)] }, labels: {} }] })
    const gainChain = [{ uses: "gain", gain_db: { uniform: [-12, 12] } }]
    const out = decodeAudioSet(await runStage(styleMatchStage, { chain: gainChain, reference: "reference.wav", iterations: 3, perturbations: 1 }, { audio: short }, ctx()))
    expect(out.clips[0]!.audio.channels[0]!.length).toBe(22050)
    await expect(runStage(styleMatchStage, { chain: gainChain, reference: "reference.wav", loss: "match", iterations: 1 }, { audio: short }, ctx())).rejects.toThrow(
      /loss: clip short has 22050 samples, the reference 33075/
    )
  })

  it("names a missing reference file and a non-differentiable chain under autodiff", async () => {
    await expect(runStage(styleMatchStage, { chain, reference: "nope.wav" }, { audio }, ctx())).rejects.toThrow(/reference: .*nope\.wav.*file not found/)
    await expect(
      runStage(styleMatchStage, { chain: [{ uses: "mod.chorus", mix: { uniform: [0, 1] } }], reference: "reference.wav", method: "autodiff", iterations: 1 }, { audio }, ctx())
    ).rejects.toThrow(/method: clip take1: chain\[0\] \(mod\.chorus\) has no differentiable version/)
  })
})

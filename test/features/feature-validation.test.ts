/**
 * The feature library validates what it is given (issue 15): `extractFeatures` called as a
 * library fills defaults for what is left out and refuses bad values with the messages of
 * `audioml features --set`.
 */
import { describe, expect, it } from "vitest"
import { extractFeatures } from "../../src/features/extract.js"
import { checkFeatureParams } from "../../src/features/feature-validation.js"
import { resolveFeatureOptions } from "../../src/cli/commands/features.js"
import { ParameterError } from "../../src/errors/audioml-error.js"

const tone = { sampleRate: 16000, channels: [Float32Array.from({ length: 16000 }, (_, i) => Math.sin((2 * Math.PI * 220 * i) / 16000))] }

const thrown = (f: () => unknown): ParameterError => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ParameterError)
    return e as ParameterError
  }
  throw new Error("expected a throw")
}

describe("feature requests are validated inside the library", () => {
  it("fills every default of a family left empty, as the CLI resolves it", () => {
    expect(checkFeatureParams({ mel: {}, f0: { method: "yin" } }).params).toEqual(resolveFeatureOptions(["mel,f0"], ["f0.method=yin"]))
    const out = extractFeatures(tone, { mel: { n_mels: 40 } })
    expect(out.features["mel"]!.dims).toBe(40)
  })

  it("refuses a bad value with the CLI's message, and an unknown family or key with a did-you-mean", () => {
    const e = thrown(() => extractFeatures(tone, { mel: { n_mels: 0 } }))
    expect(e.message).toBe("mel.n_mels: must be >= 1 (got 0)")
    let cli = ""
    try {
      resolveFeatureOptions(["mel"], ["mel.n_mels=0"])
    } catch (err) {
      cli = (err as Error).message
    }
    expect(cli).toContain(`  ${e.message}`)

    const many = thrown(() => extractFeatures(tone, { mel: { n_mesl: 64 }, pitch: {} } as never))
    expect(many.message.split("\n")[0]).toBe("invalid feature parameters:")
    expect(many.message).toContain('did you mean "n_mels"')
    expect(many.message).toContain('"pitch"')
  })
})

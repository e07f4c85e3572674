import Ajv2020 from "ajv/dist/2020.js"
import { describe, expect, it } from "vitest"
import { modelSchema } from "../../src/ml/models/index.js"
import { lossSchema } from "../../src/ml/losses/index.js"

const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, discriminator: true, useDefaults: true, allErrors: true })

describe("model and loss param schemas", () => {
  const model = ajv.compile(modelSchema)
  const loss = ajv.compile(lossSchema)
  it("accept valid tables and fill defaults", () => {
    const rnn: Record<string, unknown> = { uses: "model.rnn", hidden: 8 }
    expect(model(rnn)).toBe(true)
    expect(rnn).toMatchObject({ cell: "lstm", layers: 1, skip: true, condition: [] })
    const tcn: Record<string, unknown> = { uses: "model.tcn", condition: ["gain"] }
    expect(model(tcn)).toBe(true)
    expect(tcn).toMatchObject({ blocks: 4, kernel: 13, dilation_growth: 4, channels: 16, causal: true })
    expect(model({ uses: "model.wavenet", preset: "nano" })).toBe(true)
    expect(model({ uses: "model.param_regressor", targets: ["drive_db"] })).toBe(true)
    const esr: Record<string, unknown> = { uses: "loss.esr" }
    expect(loss(esr)).toBe(true)
    expect(esr["pre_emphasis"]).toBe(0.85)
    expect(loss({ uses: "loss.esr", pre_emphasis: "a_weighting" })).toBe(true)
    expect(loss([{ uses: "loss.esr", weight: 1 }, { uses: "loss.dc", weight: 0.1 }])).toBe(true)
  })
  it("reject bad values", () => {
    expect(model({ uses: "model.rnn", cell: "rnn" })).toBe(false)
    expect(model({ uses: "model.wavenet", preset: "huge" })).toBe(false)
    expect(model({ uses: "model.param_regressor" })).toBe(false)
    expect(model({ uses: "model.tcn", blocks: 0 })).toBe(false)
    expect(loss({ uses: "loss.esr", pre_emphasis: "pink" })).toBe(false)
    expect(loss({ uses: "loss.mrstft", fft_sizes: 1024 })).toBe(false)
  })
})

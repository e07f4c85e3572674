import { describe, expect, it } from "vitest"
import { effectCatalog } from "../../src/effects/registry.js"
import { Rng } from "../../src/params/rng.js"

// The dynamics, modulation, delay and utility effects: registered, schema defaults complete, processing sane.
const USES = [
  "dynamics.compressor", "dynamics.limiter", "dynamics.gate", "dynamics.optical",
  "mod.chorus", "mod.flanger", "mod.phaser", "mod.vibrato", "delay.echo", "gain", "polarity"
]

const defaultsOf = (schema: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(schema["properties"] as Record<string, Record<string, unknown>>).map(([k, s]) => [k, s["default"]]))

describe("registered dynamics/modulation/delay/utility effects", () => {
  const rng = new Rng(9)
  const x = Float32Array.from({ length: 22050 }, () => rng.normal() * 0.3)

  for (const uses of USES) {
    it(`${uses}: every param has a default and a description; defaults give finite, deterministic output`, () => {
      const effect = effectCatalog.get(uses)
      expect(effect, uses).toBeDefined()
      const props = effect!.params["properties"] as Record<string, Record<string, unknown>>
      for (const [key, s] of Object.entries(props)) {
        expect(s["default"], `${uses}.${key}`).toBeDefined()
        expect(s["description"], `${uses}.${key}`).toBeTypeOf("string")
      }
      expect(effect!.params["additionalProperties"]).toBe(false)
      const params = defaultsOf(effect!.params)
      const y = effect!.process(x, 44100, params, new Rng(1))
      expect(y.length).toBe(x.length)
      expect(y.every(Number.isFinite)).toBe(true)
      expect(Array.from(effect!.process(x, 44100, params, new Rng(2)))).toEqual(Array.from(y))
    })
  }
})

import { readFileSync } from "node:fs"
import { join } from "node:path"
import { decodeWav } from "../../src/audio/wav.js"

/** The sox fixtures of test/fixtures/effects (made by make_sox_fixtures.sh). */
export const fixtureDir = join(import.meta.dirname, "..", "fixtures", "effects")

export interface SoxFixture {
  readonly file: string
  readonly sox: string
  readonly chain: ReadonlyArray<{ readonly uses: string; readonly [key: string]: unknown }>
}

export const soxFixtures = (): ReadonlyArray<SoxFixture> =>
  JSON.parse(readFileSync(join(fixtureDir, "manifest.json"), "utf8")) as SoxFixture[]

export const readFixture = (file: string): { sampleRate: number; samples: Float32Array } => {
  const s = decodeWav(readFileSync(join(fixtureDir, file)))
  return { sampleRate: s.sampleRate, samples: s.channels[0]! }
}

export const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

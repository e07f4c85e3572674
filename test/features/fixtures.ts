import { readFileSync } from "node:fs"
import { join } from "node:path"
import { decodeNpy, type NdArray } from "../../src/audio/npy.js"
import { render, type SignalSpec } from "./signals.js"

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "features")

export const loadNpy = (name: string): NdArray => decodeNpy(new Uint8Array(readFileSync(join(FIXTURES, name))))

export const loadJson = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as T

interface Spectral {
  signals: Record<string, SignalSpec>
}

/** A signal of spectral.json, rendered: [samples, sample rate]. */
export const spectralSignal = (name: string): [Float32Array, number] => {
  const spec = loadJson<Spectral>("spectral.json").signals[name]!
  return [render(spec)[0]!, spec.sr]
}

/** Largest |a - b| / (|b| + floor) over all elements. */
export const maxRelativeError = (a: ArrayLike<number>, b: ArrayLike<number>, floor = 0): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (Math.abs(b[i]!) + floor))
  return worst
}

export const maxAbsError = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
  return worst
}

/**
 * The deterministic test signals of test/fixtures/features/signals.py, rendered the same
 * way (float64 sums, one rounding to float32), so fixtures store only the spec and the
 * reference values, never the audio.
 */
export type Part =
  | { kind: "sine"; freq: number; amp: number; phase?: number }
  | { kind: "chirp"; f0: number; f1: number; amp: number }
  | { kind: "noise"; amp: number; seed: number; lowpass?: number }
  | { kind: "notes"; notes: Array<[number, number, number, number]>; harmonics: number; decay: number }
  | { kind: "silence"; start: number; dur: number }

export interface SignalSpec {
  sr: number
  seconds: number
  channels: Part[][]
}

export const lcgUniform = (seed: number, n: number): Float64Array => {
  const out = new Float64Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0
    out[i] = s / 4294967296
  }
  return out
}

export const renderChannel = (parts: ReadonlyArray<Part>, sr: number, n: number): Float32Array => {
  const y = new Float64Array(n)
  const seconds = n / sr
  for (const p of parts) {
    if (p.kind === "sine") {
      for (let i = 0; i < n; i++) y[i]! += p.amp * Math.sin(2 * Math.PI * p.freq * (i / sr) + (p.phase ?? 0))
    } else if (p.kind === "chirp") {
      for (let i = 0; i < n; i++) {
        const t = i / sr
        y[i]! += p.amp * Math.sin(2 * Math.PI * (p.f0 * t + ((p.f1 - p.f0) * t * t) / (2 * seconds)))
      }
    } else if (p.kind === "noise") {
      const u = lcgUniform(p.seed, n)
      const c = p.lowpass ?? 0
      let prev = 0
      for (let i = 0; i < n; i++) {
        let w = 2 * u[i]! - 1
        if (c > 0) {
          prev = (1 - c) * w + c * prev
          w = prev
        }
        y[i]! += p.amp * w
      }
    } else if (p.kind === "notes") {
      for (const [start, dur, f0, amp] of p.notes) {
        const i0 = Math.ceil(start * sr - 1e-9)
        const i1 = Math.min(n, Math.ceil((start + dur) * sr - 1e-9))
        for (let i = i0; i < i1; i++) {
          const tt = i / sr - start
          const env = Math.exp(-p.decay * tt) * Math.min(1, Math.min(tt / 0.005, (dur - tt) / 0.005))
          let tone = 0
          for (let h = 1; h <= p.harmonics; h++) if (f0 * h < sr / 2) tone += Math.sin(2 * Math.PI * f0 * h * tt) / h
          y[i]! += amp * env * tone
        }
      }
    } else {
      const i0 = Math.ceil(p.start * sr - 1e-9)
      const i1 = Math.min(n, Math.ceil((p.start + p.dur) * sr - 1e-9))
      for (let i = i0; i < i1; i++) y[i] = 0
    }
  }
  return Float32Array.from(y)
}

export const render = (spec: SignalSpec): Float32Array[] => {
  const n = Math.round(spec.seconds * spec.sr)
  return spec.channels.map((parts) => renderChannel(parts, spec.sr, n))
}

/**
 * `npm run bench -- synthetic`: the synthetic generators (render only) and the
 * source.synthetic / augment stages end to end (WAV encoding of the artifact included).
 * Speeds are "× real time": seconds of audio made per second of wall time.
 */
import * as Effect from "effect/Effect"
import { Rng } from "../params/rng.js"
import { pluckInto } from "../audio/generators/karplus-strong.js"
import { colouredNoise } from "../audio/generators/noise.js"
import { synthNoteInto } from "../audio/generators/synth-note.js"
import { sourceSynthetic, guitarDiGenerators } from "../stages/source-synthetic.js"
import { augmentStage } from "../stages/augment.js"
import type { StageContext } from "../engine/stage.js"
import type { Artifact } from "../engine/artifact.js"
import { decodeAudioSet, encodeAudioSet } from "../stages/artifacts/audio-set.js"

const fs = 44100
const seconds = 10

const time = (label: string, audioSeconds: number, f: () => void): void => {
  f() // warm-up
  const t0 = performance.now()
  let runs = 0
  while (performance.now() - t0 < 1000 || runs < 3) {
    f()
    runs++
  }
  const wall = (performance.now() - t0) / 1000 / runs
  console.log(`${label.padEnd(52)} ${(audioSeconds / wall).toFixed(0).padStart(7)} × real time  (${(wall * 1000).toFixed(1)} ms per run)`)
}

const context = (): StageContext => ({
  stageId: "bench",
  seed: 1,
  rng: () => new Rng(1),
  progress: { start: () => {}, update: () => {} },
  log: () => {},
  warn: () => {},
  scratchDir: ".",
  configDir: ".",
  report: () => {},
  checkpoint: { load: async () => undefined, save: async () => {} }
})

export const run = async (): Promise<void> => {
  const out = new Float32Array(seconds * fs)
  time(`pluck (Karplus-Strong), ${seconds} s note`, seconds, () =>
    pluckInto(out.fill(0), 0, fs, { freq: 110, decay: 30, brightness: 0.6, pickPosition: 0.13, amplitude: 1 }, new Rng(1))
  )
  time(`note (2-voice PolyBLEP saw + SVF + ADSR), ${seconds} s`, seconds, () =>
    synthNoteInto(
      out.fill(0),
      0,
      fs,
      { freq: 220, waveform: "saw", voices: 2, detune: 10, filter: "lowpass", cutoff: 1500, resonance: 2, filterEnv: 2, attack: 0.01, decay: 0.3, sustain: 0.6, release: 0.2, duration: seconds - 0.2, amplitude: 0.5 },
      new Rng(1)
    )
  )
  time(`pink noise (FFT-shaped), ${seconds} s`, seconds, () => colouredNoise(out, "pink", new Rng(1)))

  const clips = 16
  const clipSeconds = 2
  const synthParams = { clips, seconds: clipSeconds, sample_rate: fs, generators: guitarDiGenerators, select: "one" as const, level_db: -9, id_prefix: "synth" }
  // Both stages are synchronous Effects (syncStage), so runSync measures them directly.
  let dry: Artifact = Effect.runSync(sourceSynthetic.run(synthParams, {}, context()))
  time(`source.synthetic guitar-DI, ${clips} × ${clipSeconds} s (+ WAV encode)`, clips * clipSeconds, () => {
    dry = Effect.runSync(sourceSynthetic.run(synthParams, {}, context()))
  })
  // How much of the above is the artifact's WAV encoding (shared by every audio stage).
  const set = decodeAudioSet(dry)
  time(`  of which encodeAudioSet (32-bit float WAV), ${clips} × ${clipSeconds} s`, clips * clipSeconds, () => {
    encodeAudioSet(set)
  })
  const steps = [
    { uses: "gain", gain_db: { uniform: [-6, 6] }, p: 1, apply_to: "both" },
    { uses: "noise", snr_db: 30, colour: "pink", p: 1, apply_to: "input" },
    { uses: "shift", max_seconds: 0.1, wrap: false, p: 1, apply_to: "both" },
    { uses: "resample", rate: 16000, p: 1, apply_to: "input" }
  ]
  time(`augment gain+noise+shift+resample, ${clips} × ${clipSeconds} s (+ WAV)`, clips * clipSeconds, () => {
    Effect.runSync(augmentStage.run({ steps }, { audio: dry }, context()))
  })
}

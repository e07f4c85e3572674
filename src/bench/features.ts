import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { encodeNpy } from "../audio/npy.js"
import { Rng } from "../dsp/rng.js"
import { integratedLoudness } from "../features/lufs.js"
import { melSpectrogram } from "../features/mel.js"
import { mfcc } from "../features/mfcc.js"
import { pyin } from "../features/pyin.js"
import { yin } from "../features/yin.js"

/**
 * Throughput of feature extraction (seconds of audio per second of compute) on 60 s of a
 * music-like mono signal at 44.1 kHz, librosa defaults (n_fft 2048, hop 512, 128 mels,
 * 20 MFCCs, F0 65-2093 Hz with frame 2048), against the numpy/scipy transcription in
 * features_numpy.py when python3 with numpy and scipy is available. Best of 3 runs.
 */
const SR = 44100
const SECONDS = 60

const musicLike = (): Float32Array => {
  const n = SR * SECONDS
  const y = new Float32Array(n)
  const rng = new Rng(2024)
  const note = Math.round(0.25 * SR)
  let f0 = 220
  let phase = 0
  for (let i = 0; i < n; i++) {
    if (i % note === 0) f0 = 110 * Math.pow(2, rng.int(0, 24) / 12)
    const env = Math.exp(-3 * ((i % note) / SR))
    phase += (2 * Math.PI * f0) / SR
    let v = 0
    for (let h = 1; h <= 5; h++) v += Math.sin(h * phase) / h
    y[i] = 0.2 * env * v + 0.01 * rng.normal()
  }
  return y
}

const best = (runs: number, f: () => unknown): number => {
  let t = Infinity
  for (let r = 0; r < runs; r++) {
    const start = performance.now()
    f()
    t = Math.min(t, (performance.now() - start) / 1000)
  }
  return t
}

const numpyTimes = (y: Float32Array): Record<string, number> | string => {
  const dir = mkdtempSync(join(tmpdir(), "audioml-bench-"))
  try {
    const file = join(dir, "signal.npy")
    writeFileSync(file, encodeNpy({ data: y, shape: [y.length] }))
    // src/bench/features_numpy.py (the .py is not compiled: resolve it from dist/ or src/)
    const script = fileURLToPath(new URL("../../src/bench/features_numpy.py", import.meta.url))
    const text = execFileSync("python3", [script, file, String(SR), "3"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
    return JSON.parse(text) as Record<string, number>
  } catch (e) {
    return `numpy baseline not run (${(e as Error).message.split("\n")[0]})`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export const run = async (): Promise<void> => {
  const y = musicLike()
  const f0 = { fmin: 65, fmax: 2093, frameLength: 2048, hop: 512 }
  const jobs: Record<string, () => unknown> = {
    mel: () => melSpectrogram(y, SR),
    mfcc: () => mfcc(y, SR),
    yin: () => yin(y, SR, { ...f0, threshold: 0.1 }),
    pyin: () => pyin(y, SR, f0),
    lufs: () => integratedLoudness([y], SR)
  }
  const ours: Record<string, number> = {}
  for (const [name, f] of Object.entries(jobs)) ours[name] = best(3, f)
  const numpy = numpyTimes(y)
  console.log(`${SECONDS} s of audio at ${SR} Hz, best of 3 (pyin numpy: 1 run); throughput = audio seconds per second`)
  console.log(`feature   audioml (x realtime)   numpy (x realtime)   speed-up`)
  for (const name of Object.keys(jobs)) {
    const a = SECONDS / ours[name]!
    const np = typeof numpy === "string" ? undefined : numpy[name]
    const b = np === undefined ? undefined : SECONDS / np
    console.log(
      `${name.padEnd(9)} ${a.toFixed(0).padStart(10)}             ${b === undefined ? "-".padStart(10) : b.toFixed(0).padStart(10)}          ${b === undefined ? "-" : `${(a / b).toFixed(2)}x`}`
    )
  }
  if (typeof numpy === "string") console.log(numpy)
}
